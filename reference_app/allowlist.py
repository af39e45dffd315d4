"""IP allowlist and reverse-proxy trust for the simulator API (built by its own issue)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Install the allowlist on ``app`` (no restriction until the allowlist issue lands)."""
