"""Pure planning: causal ordering and expected state (no HTTP, no clock, no globals)."""
