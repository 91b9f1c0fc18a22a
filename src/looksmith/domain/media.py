"""What an uploaded file is: its asset type, and audio and video told apart by their first bytes.

Images are recognised by decoding them (``ImageInspector``); audio and video are only stored and
served, so their magic bytes are enough. No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AssetType(StrEnum):
    """HeyGen's ``file_type`` of an asset; the first part of its stored media type."""

    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"

    @property
    def with_article(self) -> str:
        """``an image``, ``a video``, ``an audio``: for messages."""
        return f"{'a' if self is AssetType.VIDEO else 'an'} {self.value}"


IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
AUDIO_VIDEO_TYPES = ("audio/mpeg", "audio/wav", "video/mp4", "video/webm")
# Other names clients send for the same formats: Python's mimetypes says audio/x-wav for .wav.
TYPE_ALIASES = {"audio/mp3": "audio/mpeg", "audio/x-wav": "audio/wav", "audio/wave": "audio/wav"}
# ISO media files that are pictures (HEIF, AVIF), not videos, though they start like an MP4.
_IMAGE_BRANDS = frozenset({b"avif", b"avis", b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1"})
_EBML = b"\x1a\x45\xdf\xa3"


@dataclass(frozen=True, slots=True)
class UploadCursor:
    """Where a page of uploads ended: the last asset's upload time and id (newest first)."""

    created_at: float
    id: str


def asset_type(content_type: str) -> AssetType:
    """The asset type of a stored media type such as ``audio/mpeg``."""
    return AssetType(content_type.split("/", 1)[0])


def sniff_audio_video(data: bytes) -> str | None:
    """``audio/mpeg``, ``audio/wav``, ``video/mp4`` or ``video/webm`` as the bytes begin, else
    None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[:3] == b"ID3" or _is_mpeg_audio_frame(data[:4]):
        return "audio/mpeg"
    if data[4:8] == b"ftyp" and data[8:12] not in _IMAGE_BRANDS:
        return "video/mp4"
    if data[:4] == _EBML:
        return "video/webm"
    return None


def _is_mpeg_audio_frame(header: bytes) -> bool:
    # An MPEG audio frame header: 11 sync bits, then no reserved version, layer, bitrate or
    # sample rate (which is what tells it from ADTS AAC and from random bytes starting 0xFF).
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return False
    version, layer = (header[1] >> 3) & 0b11, (header[1] >> 1) & 0b11
    bitrate, sample_rate = header[2] >> 4, (header[2] >> 2) & 0b11
    return version != 0b01 and layer != 0b00 and bitrate != 0b1111 and sample_rate != 0b11
