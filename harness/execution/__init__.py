"""Execution: the runners that send traffic (Locust lives only here, imported lazily)."""
