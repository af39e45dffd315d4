"""Versioned schema migrations: ``NNNN_name.sql`` files applied in order, recorded in
``schema_version``."""
