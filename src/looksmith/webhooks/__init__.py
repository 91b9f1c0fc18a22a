"""Webhook adapters: the signed HTTP sender, the address guard and the delivery thread."""
