"""The release gate: stages against one target, one results bundle, one exit code."""
