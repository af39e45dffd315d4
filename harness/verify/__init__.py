"""State verification: read the target back and compare with the expected state."""
