"""Checks: verdict profiles for replayed traffic, the contract suite, schema validation."""
