"""The command-line interface: one entry point, one subcommand module each."""
