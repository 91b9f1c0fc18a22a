"""Decides what an uploaded image is from its bytes, guarding against decompression bombs."""

from __future__ import annotations

import io
import warnings

from PIL import Image

from looksmith.domain.models import ImageInfo

_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class PillowInspector:
    """Opens the header first, checks the pixel count, and only then decodes every pixel."""

    def __init__(self) -> None:
        # Our own limit is lower than Pillow's warning threshold and is checked before decoding,
        # so Pillow's warning would only add noise to the log.
        warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

    def inspect(self, data: bytes, *, max_pixels: int) -> ImageInfo:
        """The real type and size; ``ValueError`` saying why the bytes are not usable."""
        try:
            image = Image.open(io.BytesIO(data), formats=list(_TYPES))
        except Image.DecompressionBombError as exc:
            raise ValueError(f"image has more than {max_pixels // 1_000_000} megapixels") from exc
        except (OSError, SyntaxError) as exc:
            raise ValueError("is not a JPEG, PNG or WebP image") from exc
        with image:
            width, height = image.size
            if width * height > max_pixels:
                raise ValueError(
                    f"image is {width}x{height}, more than {max_pixels // 1_000_000} megapixels"
                )
            try:
                image.load()  # a truncated or corrupt file fails here, not later in a worker
            except (OSError, SyntaxError, ValueError) as exc:
                raise ValueError("image data is truncated or corrupt") from exc
            return ImageInfo(content_type=_TYPES[str(image.format)], width=width, height=height)
