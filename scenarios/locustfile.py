"""MiniTwit simulator traffic for Locust: ``locust -f scenarios/locustfile.py --host URL``.

Works with the web UI, ``--headless``, and Locust's own ``--master``/``--worker`` flags.
Options of the harness are ``--mt-*``; the README's "Plain Locust" table lists every one
with its default (Locust prints ``--help`` before it imports a locustfile, so they are not
in ``locust --help``).
``minitwit-harness load`` is the convenient front with thresholds.
"""

from harness.execution.load.locustfile import SimulatorLoadUser

__all__ = ["SimulatorLoadUser"]
