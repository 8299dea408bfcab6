"""Rules of gym speech that fix the tagger's labels where no training set can disagree.

One module per topic: `loads`, `effort`, `counts`, `times`; `common` holds the words they
share and `pipeline.repair` applies them in order.
"""

from repvoice.parser.rules.pipeline import repair

__all__ = ["repair"]
