"""MiniTwit Harness: a release gate for implementations of the MiniTwit simulator API.

Importing this package has no side effects; Locust and gevent are only imported by the
runners in ``harness.execution`` that need them.
"""

__version__ = "0.1.0"
