"""The exercise catalogue: canonical names, stable ids and the spoken aliases that map to them."""

from repvoice.catalog.catalog import Catalog, Exercise, bundled_catalog_path

__all__ = ["Catalog", "Exercise", "bundled_catalog_path"]
