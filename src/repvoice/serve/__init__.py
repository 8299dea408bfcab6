"""The parse service behind `repvoice serve`: FastAPI app, hybrid router, OpenAI-compatible API.

from repvoice.serve.app import create_app
from repvoice.serve.config import load_config
app = create_app(load_config("serve.toml"), api_key="...")
"""
