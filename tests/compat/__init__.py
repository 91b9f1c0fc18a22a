"""A strict HeyGen client of our own: the reference's types, checked against a real server."""
