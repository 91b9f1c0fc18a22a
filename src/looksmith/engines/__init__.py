"""Image engines: adapters that play the ImageEngine role."""
