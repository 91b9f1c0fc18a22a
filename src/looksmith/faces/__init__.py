"""Face detection adapters."""
