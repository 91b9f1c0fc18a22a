"""Blob stores and URL signing."""
