"""Subcommands of ``minitwit-harness``; each module has ``register`` and ``run``."""
