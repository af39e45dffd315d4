"""`simulate`'s live status page: a Flask app reading the simulation store
(``harness/simulation``), with a JSON endpoint and ``/metrics`` in Prometheus format."""
