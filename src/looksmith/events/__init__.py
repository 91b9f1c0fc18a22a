"""Status-change fan-out adapters: in-process, or Redis pub/sub across machines."""
