"""Shared test support: real servers on loopback, real PostgreSQL databases."""
