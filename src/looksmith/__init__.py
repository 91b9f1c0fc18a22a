"""looksmith: a self-hosted, drop-in server for HeyGen's Photo Avatar v2 API."""

__version__ = "0.1.0"
