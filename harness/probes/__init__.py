"""Probes of deployment properties, such as the IP allowlist behind a proxy."""
