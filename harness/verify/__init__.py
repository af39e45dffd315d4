"""State verification: read the target back and compare with the expected state."""

from harness.verify.run import run_verify

__all__ = ["run_verify"]
