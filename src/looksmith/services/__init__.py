"""Business rules; they speak only to ports."""
