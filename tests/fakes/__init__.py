"""Real stand-ins for outside services, for tests (no mocks of repvoice's own code)."""
