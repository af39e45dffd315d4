"""MiniTwit simulator traffic for Locust: ``locust -f scenarios/locustfile.py --host URL``.

Works with the web UI, ``--headless``, and Locust's own ``--master``/``--worker`` flags.
Options of the harness are ``--mt-*`` (``locust -f scenarios/locustfile.py --help``):
``--mt-scenario FILE`` (else a generated scenario), ``--mt-read-ratio``, ``--mt-rate``,
``--mt-profile``, ``--mt-timeout``, ``--mt-keep-alive``, ``--mt-max-requests``,
``--mt-results-dir`` (raw per-request results, one part file per process).
``minitwit-harness load`` is the convenient front with thresholds.
"""

from harness.execution.load.locustfile import SimulatorLoadUser

__all__ = ["SimulatorLoadUser"]
