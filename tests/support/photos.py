"""Real photos that ship inside packages, encoded the way clients upload them."""

from __future__ import annotations

import io

from PIL import Image


def encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    """The image as ``fmt`` bytes."""
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def astronaut_jpeg() -> bytes:
    """Eileen Collins, NASA: a real face photo (512x512)."""
    from skimage import data

    return encode(Image.fromarray(data.astronaut()), quality=92)


def coffee_jpeg() -> bytes:
    """A cup of coffee: a real photo with no face (400x600)."""
    from skimage import data

    return encode(Image.fromarray(data.coffee()), quality=92)


def png_bomb() -> bytes:
    """A 20000x20000 PNG: a few dozen kilobytes that would decode to 400 megapixels."""
    return encode(Image.new("1", (20000, 20000)), "PNG")
