"""Picks the image engine named in the settings."""

from __future__ import annotations

from looksmith.config import Settings
from looksmith.errors import LooksmithError
from looksmith.ports.media import ImageEngine

ENGINES = ("procedural", "diffusers")


def build_image_engine(settings: Settings) -> ImageEngine:
    """The engine named by ``settings.engine``; an unknown name, or the ``diffusers`` engine
    without its extra installed, is a configuration error (``LooksmithError``)."""
    name = settings.engine
    if name == "procedural":
        from looksmith.engines.procedural import ProceduralEngine

        return ProceduralEngine()
    if name == "diffusers":
        from looksmith.engines.diffusers import build_diffusers_engine

        return build_diffusers_engine(settings.diffusers)
    raise LooksmithError(f"unknown engine {name!r}; available: {', '.join(ENGINES)}")
