"""Reporters: console, JSON, JUnit, Markdown and HTML, fed by events and results."""
