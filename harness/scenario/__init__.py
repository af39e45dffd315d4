"""Scenario model, parsing of the course format, generation and statistics."""
