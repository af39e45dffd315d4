"""Literals of the simulator API spec (simulator-api.md section 1), for tests to assert against.

Written out here, not imported from the harness: a test that compares what the harness
sends with the harness's own constant would pass whatever the constant said.
"""

from __future__ import annotations

#: ``Authorization`` of every simulator request: base64 of ``simulator:super_safe!``.
SIMULATOR_AUTH = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"
