"""Wire schemas with HeyGen's field names, one module per resource as in ``routes/``."""
