"""Fixtures of the app's tests: an API client on the module's served app."""

from __future__ import annotations

import pytest

from tests.app.client import Api
from tests.support.servers import RunningServer


@pytest.fixture
def api(module_served_app: RunningServer) -> Api:
    """A client of the reference app shared by the module (one server per backend)."""
    return Api(module_served_app.url)
