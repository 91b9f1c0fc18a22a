"""Process-independent random generators, so the same inputs draw the same pixels."""

from __future__ import annotations

import hashlib

import numpy as np

Rng = np.random.Generator


def stable_rng(*parts: object) -> Rng:
    """A generator seeded from a SHA-256 of the parts, identical across processes."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))
