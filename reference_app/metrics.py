"""``/metrics``: request counts and latency histograms by endpoint and status (Prometheus).

Under gunicorn every worker is its own process, so the app runs prometheus_client's
multiprocess mode when ``PROMETHEUS_MULTIPROC_DIR`` is configured: each worker writes its
values to files in that directory and a scrape merges them, whichever worker answers.
Without it (one process) the metrics live in a registry of their own, never the global one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

LABELS = ("method", "endpoint", "status")
#: Latency buckets around the simulator's 0.3 s budget.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0)
UNMATCHED = "<unmatched>"
#: Methods labelled by name; any other token is labelled ``OTHER`` (bounded label sets).
METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"))


class Metrics:
    """The app's metrics and how to expose them."""

    def __init__(self, multiprocess_dir: str | None) -> None:
        self.multiprocess_dir = multiprocess_dir
        # In multiprocess mode values go to files; registering is only for exposition.
        own = None if multiprocess_dir else CollectorRegistry()
        self._registry = own
        self.requests = Counter(
            "minitwit_http_requests",
            "HTTP requests answered, by method, route template and status.",
            LABELS,
            registry=own,
        )
        self.latency = Histogram(
            "minitwit_http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route template and status.",
            LABELS,
            buckets=BUCKETS,
            registry=own,
        )

    def exposition(self) -> bytes:
        """The current values in the Prometheus text format (merged across processes)."""
        if self._registry is not None:
            return bytes(generate_latest(self._registry))
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=self.multiprocess_dir)  # type: ignore[no-untyped-call]
        return bytes(generate_latest(registry))


class _Observed:
    """WSGI middleware around the Flask app: times every request, counts it by label set.

    The labels are read when the app starts its response, still inside Flask's request
    context (the route template is the request's ``url_rule``). A middleware rather than
    ``before_request``/``after_request`` hooks: two hooks and their context lookups cost
    more than the observation itself.
    """

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], metrics: Metrics) -> None:
        self.wsgi_app = wsgi_app
        self.metrics = metrics
        # The labelled children, looked up once per label set: ``labels()`` takes a lock and
        # builds a key on every call, a cost paid on every request otherwise.
        self.children: dict[tuple[str, str, str], tuple[Any, Any]] = {}

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start = time.perf_counter()

        def observe(status: str, headers: Any, exc_info: Any = None) -> Any:
            rule = request.url_rule
            method = environ.get("REQUEST_METHOD", "GET").upper()
            key = (
                method if method in METHODS else "OTHER",
                rule.rule if rule is not None else UNMATCHED,
                status[:3],
            )
            child = self.children.get(key)
            if child is None:
                child = (self.metrics.requests.labels(*key), self.metrics.latency.labels(*key))
                self.children[key] = child
            child[0].inc()
            child[1].observe(time.perf_counter() - start)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, observe)


def init_app(app: Flask) -> None:
    """Time every request, count it by route template and status, and serve ``/metrics``."""
    metrics = Metrics(app.config.get("PROMETHEUS_MULTIPROC_DIR") or None)
    app.extensions["minitwit_metrics"] = metrics
    app.wsgi_app = _Observed(app.wsgi_app, metrics)  # type: ignore[method-assign]

    def serve_metrics() -> Response:
        return Response(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)

    app.add_url_rule(
        "/metrics", "metrics", serve_metrics, methods=["GET"], provide_automatic_options=False
    )
