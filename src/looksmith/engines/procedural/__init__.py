"""A fast, deterministic, CPU-only engine that draws flat-style illustrated portraits."""

from looksmith.engines.procedural.engine import ProceduralEngine

__all__ = ["ProceduralEngine"]
