"""`simulate`'s durable state: the store (schema, SQLite or PostgreSQL), the teams file and
the status numbers the dashboard, its JSON/metrics and `report --simulation` read.

The database is also the control channel: the engine (``harness/execution/simulate``) writes
attempts, polls of ``/latest`` and outages; the dashboard writes only ``sim_targets.paused``
and new targets, which the engine picks up.
"""
