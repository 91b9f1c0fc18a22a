"""The soft alpha matte that lifts a face (with its hair) out of a training photo's crop."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFilter

from looksmith.engines.procedural.colors import RGB

Array = NDArray[np.float64]
_CORNER = 14  # side of the corner patches that sample the photo's backdrop, in crop pixels


def egg_distance(size: tuple[int, int], unit: float, centre_y: float) -> Array:
    """Distance from an egg over hair, face and chin: below 1 inside, 1 on its edge.

    ``unit`` is the face box size in crop pixels; the egg is wider at the hair than at the
    jaw and reaches further down than up, so the chin stays whole.
    """
    w, h = size
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    v = (ys - centre_y * unit) / (np.where(ys > centre_y * unit, 1.0, 0.92) * unit)
    u = (xs - w / 2) / (0.8 * unit)
    # Below the middle the sides pull in, the way a jaw narrows to the chin.
    u = u / (1 - 0.45 * np.clip(v, 0, 1) ** 2)
    out: Array = np.hypot(u, v)
    return out


def _smoothstep(t: Array) -> Array:
    t = np.clip(t, 0.0, 1.0)
    out: Array = t * t * (3 - 2 * t)
    return out


def _chroma(pixels: Array) -> Array:
    """Luma (weighted down, so shadows still match) and the two chroma axes of YCbCr."""
    y = pixels @ np.array([0.299, 0.587, 0.114])
    cb = (pixels[..., 2] - y) * 0.564
    cr = (pixels[..., 0] - y) * 0.713
    return np.stack([0.35 * y, cb, cr], axis=-1)


def _distance(q: Array, colour: Array) -> Array:
    out: Array = np.linalg.norm(q - colour, axis=-1)
    return out


def _backdrops(q: Array, people: list[Array]) -> list[Array]:
    """Median colours of the four corners, unless a corner looks like skin or hair."""
    h, w = q.shape[:2]
    found = []
    for ys in (slice(0, _CORNER), slice(h - _CORNER, h)):
        for xs in (slice(0, _CORNER), slice(w - _CORNER, w)):
            colour = np.median(q[ys, xs].reshape(-1, 3), axis=0)
            if min(float(np.linalg.norm(colour - p)) for p in people) > 18:
                found.append(colour)
    return found


def face_matte(
    crop: Image.Image, skin: RGB, hair: RGB, unit: float, centre_y: float
) -> Image.Image:
    """Alpha for the crop: the egg, with backdrop-coloured pixels near its rim keyed out."""
    d = egg_distance(crop.size, unit, centre_y)
    alpha = _smoothstep((1.0 - d) / 0.16)
    q = _chroma(np.asarray(crop.convert("RGB"), dtype=np.float64))
    people = [_chroma(np.asarray(c, dtype=np.float64)) for c in (skin, hair)]
    backdrops = _backdrops(q, people)
    if backdrops:
        near_person = np.minimum(_distance(q, people[0]), _distance(q, people[1]))
        near_backdrop = np.min([_distance(q, b) for b in backdrops], axis=0)
        key = _smoothstep((near_backdrop - near_person) / 24 + 0.5)
        # Only the rim is keyed: eyes, teeth and brows in the middle differ from skin too.
        rim = _smoothstep((d - 0.5) / 0.3)
        alpha = alpha * (1 - rim * (1 - key))
    matte = Image.fromarray(np.rint(255 * alpha).astype(np.uint8))
    return matte.filter(ImageFilter.GaussianBlur(1.5))
