"""The HTTP transport: HeyGen-compatible routes over the services."""
