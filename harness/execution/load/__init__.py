"""The load test: simulator traffic on Locust at a target rate, with thresholds.

``run_load`` runs Locust in its own processes; this package's ``__init__`` never imports
Locust or gevent (only ``plugin``, ``users`` and ``locustfile`` do, inside Locust processes).
"""

from harness.execution.load.runner import LoadResult, run_load

__all__ = ["LoadResult", "run_load"]
