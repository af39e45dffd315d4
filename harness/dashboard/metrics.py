"""``GET /metrics``: the status numbers in Prometheus' text format (``prometheus_client``)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from harness.simulation.status import Snapshot

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _SnapshotCollector(Collector):
    """One collection = one snapshot (the numbers of ``/api/status``)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        targets = self.snapshot.targets
        t_ = ["target"]
        total = GaugeMetricFamily("minitwit_sim_actions", "Scenario actions", labels=t_)
        sent = GaugeMetricFamily(
            "minitwit_sim_actions_sent", "Actions sent (with an outcome or in flight)", labels=t_
        )
        requests = CounterMetricFamily(
            "minitwit_sim_requests", "Requests with an outcome", labels=["target", "command"]
        )
        errors = CounterMetricFamily(
            "minitwit_sim_errors",
            "Outcomes the course simulator counts as errors",
            labels=["target", "command", "class"],
        )
        in_flight = GaugeMetricFamily("minitwit_sim_in_flight", "Requests in flight", labels=t_)
        up = GaugeMetricFamily("minitwit_sim_up", "1 unless an outage is open", labels=t_)
        paused = GaugeMetricFamily("minitwit_sim_paused", "1 while paused", labels=t_)
        outages = CounterMetricFamily("minitwit_sim_outages", "Outages so far", labels=t_)
        reported = GaugeMetricFamily(
            "minitwit_sim_latest_reported", "/latest as the target last reported it", labels=t_
        )
        acknowledged = GaugeMetricFamily(
            "minitwit_sim_last_acknowledged",
            "The greatest action id the target had acknowledged at the last /latest poll",
            labels=t_,
        )
        latency = GaugeMetricFamily(
            "minitwit_sim_latency_seconds",
            "Request latency percentiles over the whole run",
            labels=["target", "quantile"],
        )
        for t in targets:
            total.add_metric([t.name], t.total)
            sent.add_metric([t.name], t.sent)
            for command, n in t.requests_by_command.items():
                requests.add_metric([t.name, command], n)
            for (command, klass), n in sorted(t.failures.items()):
                errors.add_metric([t.name, command, klass], n)
            in_flight.add_metric([t.name], t.in_flight)
            up.add_metric([t.name], 1 if t.up else 0)
            paused.add_metric([t.name], 1 if t.paused else 0)
            outages.add_metric([t.name], len(t.outages))
            if t.latest is not None and t.latest.value is not None:
                reported.add_metric([t.name], t.latest.value)
            if t.latest is not None and t.latest.last_acknowledged is not None:
                acknowledged.add_metric([t.name], t.latest.last_acknowledged)
            for quantile, value in (("0.5", t.p50_ms), ("0.95", t.p95_ms)):
                if value is not None:
                    latency.add_metric([t.name, quantile], value / 1000)
        yield from (total, sent, requests, errors, in_flight, up, paused, outages)
        yield from (reported, acknowledged, latency)


def metrics_text(snapshot: Snapshot) -> bytes:
    """The exposition of one snapshot."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SnapshotCollector(snapshot))
    return generate_latest(registry)
