"""The learned person: a face crop with a soft alpha mask and colours, stored as one PNG."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

from PIL import Image, PngImagePlugin

from looksmith.domain.specs import FaceBox
from looksmith.engines.procedural.colors import RGB

CROP_SIZE = (256, 320)
_KEY = "looksmith-identity"
_VERSION = 1


@dataclass(frozen=True)
class Identity:
    """A face crop (RGBA, ``CROP_SIZE``), where the detector's box lies in it, and colours."""

    crop: Image.Image
    face: FaceBox
    skin: RGB
    hair: RGB
    photos: int
    key: str = ""  # a digest of the encoded identity, to seed its looks with


def write_identity(identity: Identity) -> bytes:
    """Encode the identity as a PNG whose text chunk carries the colours and face box."""
    info = PngImagePlugin.PngInfo()
    box = identity.face
    meta = {
        "version": _VERSION,
        "skin": list(identity.skin),
        "hair": list(identity.hair),
        "face": [box.x, box.y, box.width, box.height],
        "photos": identity.photos,
    }
    info.add_text(_KEY, json.dumps(meta, sort_keys=True))
    buffer = io.BytesIO()
    identity.crop.save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def read_identity(data: bytes) -> Identity:
    """Decode an identity written by ``write_identity``; anything else raises ValueError."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG" or image.size != CROP_SIZE or image.mode != "RGBA":
                raise ValueError("not a procedural identity image")
            image.load()
            meta = json.loads(image.info[_KEY])
            crop = image.copy()
        return Identity(
            crop=crop,
            face=_box(meta),
            skin=_rgb(meta, "skin"),
            hair=_rgb(meta, "hair"),
            photos=_int(meta.get("photos", 1)),
            key=hashlib.sha256(data).hexdigest()[:32],
        )
    except ValueError:
        raise
    except Exception as exc:  # Pillow and json raise many kinds for damaged bytes.
        raise ValueError(f"corrupt identity: {exc}") from exc


def _list(meta: Any, key: str, n: int) -> list[Any]:
    value = meta[key]
    if not isinstance(value, list) or len(value) != n:
        raise ValueError(f"identity field {key!r} is malformed")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("identity holds a non-integer where a number belongs")
    return value


def _rgb(meta: Any, key: str) -> RGB:
    r, g, b = (min(255, max(0, _int(v))) for v in _list(meta, key, 3))
    return (r, g, b)


def _box(meta: Any) -> FaceBox:
    x, y, w, h = (_int(v) for v in _list(meta, "face", 4))
    if w <= 0 or h <= 0 or not (0 <= x < CROP_SIZE[0] and 0 <= y < CROP_SIZE[1]):
        raise ValueError("identity face box lies outside its crop")
    return FaceBox(x, y, w, h)
