"""Plain data and state machines; no I/O."""
