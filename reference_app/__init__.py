"""The MiniTwit reference app: the simulator API on SQLite or PostgreSQL (flaskr-style)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask

#: Settings read from environment variables of the same name (only here).
ENV_SETTINGS = (
    "DATABASE_URL",
    "ACCEPTED_IPS",
    "TRUSTED_PROXIES",
    "PROMETHEUS_MULTIPROC_DIR",
    "SIMULATOR_AUTHORIZATION",
    "AUTO_MIGRATE",
    "DB_POOL_SIZE",
    "READ_ONLY",
    "MAINTENANCE_FILE",
)

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": "sqlite:///minitwit.db",
    "ACCEPTED_IPS": "*",
    "TRUSTED_PROXIES": "",
    "PROMETHEUS_MULTIPROC_DIR": None,
    "SIMULATOR_AUTHORIZATION": "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh",
    # Upgrade the schema when the app starts (serialised, so safe in every worker).
    "AUTO_MIGRATE": True,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "DB_POOL_SIZE": 4,
    # argon2id cost: (time_cost, memory_cost KiB, parallelism); see passwords.py.
    "PASSWORD_COST": None,
    # Writes answered 503 (reads served): always, or while MAINTENANCE_FILE exists.
    "READ_ONLY": False,
    "MAINTENANCE_FILE": None,
}


class _App(Flask):
    """Flask, with ``ensure_sync`` remembered per function.

    Flask asks it for every hook and view on every request, and each answer inspects the
    function's code flags: a few microseconds per request for an answer that never changes.
    """

    def __init__(self, import_name: str) -> None:
        super().__init__(import_name)
        self._sync: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        sync = self._sync.get(func)
        if sync is None:
            sync = self._sync[func] = super().ensure_sync(func)
        return sync


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from ``test_config``, or from environment variables when it is None."""
    # Imported here, not at the top: `import reference_app` stays light, and
    # prometheus_client is first imported once the server has configured its mode.
    from reference_app import (
        abandoned,
        allowlist,
        api,
        errors,
        maintenance,
        metrics,
        migrate,
        passwords,
        request_db,
    )

    app = _App(__name__)
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.update({k: os.environ[k] for k in ENV_SETTINGS if k in os.environ})
    else:
        app.config.update(test_config)
    # Usernames are whole path remainders, slashes included (`/msgs/%2Fx` is user "/x"):
    # no slash merging, no redirects.
    app.url_map.merge_slashes = False
    app.url_map.converters["username"] = api.UsernameConverter
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    database = request_db.init_app(app, str(app.config["DATABASE_URL"]))
    cost = app.config["PASSWORD_COST"]
    app.extensions["minitwit_hasher"] = (
        passwords.make_hasher(*cost) if cost else passwords.make_hasher()
    )
    if _flag(app.config["AUTO_MIGRATE"]):
        migrate.upgrade(database)

    errors.init_app(app)
    metrics.init_app(app)
    # First of the request hooks: no work for a client gone.
    abandoned.init_app(app)
    app.register_blueprint(api.bp)
    # Last, so that its before_request runs after the app's own hooks are in place.
    allowlist.init_app(app)
    # After the allowlist: a refused client learns nothing, not even that writes are frozen.
    maintenance.init_app(app)
    return app
