"""Learning a person from photos: decode, cut an aligned face crop, read skin and hair colour."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

from looksmith.domain.specs import FaceBox, TrainingPhoto
from looksmith.engines.procedural.colors import RGB
from looksmith.engines.procedural.identity import CROP_SIZE, Identity, write_identity
from looksmith.engines.procedural.matte import face_matte

# The crop around the detector's box, in units of the box size s = (w + h) / 2: it keeps the
# hair above the forehead and the chin below the box, centred on the box.
CROP_WIDTH = 1.8
CROP_ABOVE = 1.2  # from the box centre up
CROP_BELOW = 1.05  # from the box centre down
_MATTE = (128, 128, 128)  # what transparent pixels stand on


@dataclass(frozen=True)
class _Face:
    crop: Image.Image
    box: FaceBox
    skin: RGB
    hair: RGB
    sharpness: float


def decode_photo(data: bytes) -> Image.Image:
    """Decode any Pillow-readable photo upright (EXIF applied) as RGB; ValueError if unreadable."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except Exception as exc:  # Pillow raises many kinds for damaged or unknown bytes.
        raise ValueError(f"unreadable training photo: {exc}") from exc
    if image.mode in ("I;16", "I", "F"):
        # Wide greys: scale into 8 bits rather than clip to white.
        grey = np.asarray(image, dtype=np.float64)
        top = max(float(grey.max()), 1.0)
        image = Image.fromarray(np.clip(grey * 255.0 / top, 0, 255).astype(np.uint8))
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, _MATTE)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _cut(image: Image.Image, box: FaceBox) -> tuple[Image.Image, FaceBox]:
    """The crop resized to ``CROP_SIZE``, edge-padded where it runs off the photo."""
    s = (box.width + box.height) / 2
    cx, cy = box.x + box.width / 2, box.y + box.height / 2
    left, top = cx - CROP_WIDTH * s / 2, cy - CROP_ABOVE * s
    right, bottom = cx + CROP_WIDTH * s / 2, cy + CROP_BELOW * s
    x0, y0, x1, y1 = math.floor(left), math.floor(top), math.ceil(right), math.ceil(bottom)
    inner = (max(x0, 0), max(y0, 0), min(x1, image.width), min(y1, image.height))
    pixels = np.asarray(image.crop(inner))
    pad = ((inner[1] - y0, y1 - inner[3]), (inner[0] - x0, x1 - inner[2]), (0, 0))
    padded = Image.fromarray(np.pad(pixels, pad, mode="edge"))
    crop_box = (left - x0, top - y0, right - x0, bottom - y0)
    crop = padded.resize(CROP_SIZE, Image.Resampling.LANCZOS, box=crop_box)
    k = CROP_SIZE[0] / (right - left)
    face = FaceBox(
        x=round((box.x - left) * k),
        y=round((box.y - top) * k),
        width=max(1, round(box.width * k)),
        height=max(1, round(box.height * k)),
    )
    return crop, face


def _median(pixels: NDArray[np.uint8], x: tuple[float, float], y: tuple[float, float]) -> RGB:
    """Median colour of a sub-rectangle given as fractions of the array."""
    h, w = pixels.shape[:2]
    patch = pixels[int(y[0] * h) : max(int(y[1] * h), int(y[0] * h) + 1)]
    patch = patch[:, int(x[0] * w) : max(int(x[1] * w), int(x[0] * w) + 1)]
    r, g, b = (int(v) for v in np.median(patch.reshape(-1, 3), axis=0))
    return (r, g, b)


def _sharpness(grey: NDArray[np.float64]) -> float:
    """Variance of the Laplacian: high for a crisp, well-resolved face, low for blur."""
    lap = grey[1:-1, :-2] + grey[1:-1, 2:] + grey[:-2, 1:-1] + grey[2:, 1:-1] - 4 * grey[1:-1, 1:-1]
    return float(lap.var())


def _learn_one(photo: TrainingPhoto) -> _Face:
    image = decode_photo(photo.data)
    box = photo.face
    if box.width <= 0 or box.height <= 0:
        raise ValueError("training photo has an empty face box")
    if box.x >= image.width or box.y >= image.height or box.x + box.width <= 0:
        raise ValueError("training photo's face box lies outside the picture")
    crop, face = _cut(image, box)
    pixels = np.asarray(crop)
    fx, fy, fw, fh = face.x, face.y, face.width, face.height
    region = pixels[max(fy, 0) : fy + fh, max(fx, 0) : fx + fw]
    # Cheeks and nose between the eyes and the mouth; hair just above the forehead.
    skin = _median(region, (0.3, 0.7), (0.5, 0.72))
    above = pixels[max(0, fy - round(0.45 * fh)) : max(1, fy - round(0.2 * fh))]
    hair = _median(above[:, fx : fx + fw], (0.3, 0.7), (0.0, 1.0))
    grey = np.asarray(crop.convert("L").crop((fx, fy, fx + fw, fy + fh)), dtype=np.float64)
    return _Face(crop, face, skin, hair, _sharpness(grey))


def _median_rgb(colours: Sequence[RGB]) -> RGB:
    r, g, b = (int(v) for v in np.median(np.asarray(colours), axis=0))
    return (r, g, b)


def train_identity(photos: Sequence[TrainingPhoto], *, seed: int) -> bytes:
    """The identity PNG: the sharpest face crop, colours taken as medians over all photos.

    Learning here involves no randomness; ``seed`` is accepted for the engine protocol.
    """
    del seed
    if not photos:
        raise ValueError("training needs at least one photo")
    faces = [_learn_one(photo) for photo in photos]
    best = max(faces, key=lambda f: f.sharpness)  # max keeps the first of equals
    unit = best.box.height / 2 + best.box.width / 2
    centre = (best.box.y + 0.36 * best.box.height) / unit
    crop = best.crop.convert("RGBA")
    crop.putalpha(face_matte(best.crop, best.skin, best.hair, unit, centre))
    identity = Identity(
        crop=crop,
        face=best.box,
        skin=_median_rgb([f.skin for f in faces]),
        hair=_median_rgb([f.hair for f in faces]),
        photos=len(faces),
    )
    return write_identity(identity)
