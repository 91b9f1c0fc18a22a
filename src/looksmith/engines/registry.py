"""Picks the image engine named in the settings."""

from __future__ import annotations

from looksmith.ports import ImageEngine


def build_image_engine(name: str) -> ImageEngine:
    """The engine called ``name``; an unknown name is a configuration error."""
    if name == "procedural":
        from looksmith.engines.procedural import ProceduralEngine

        return ProceduralEngine()
    raise ValueError(f"unknown engine {name!r}; available: procedural")
