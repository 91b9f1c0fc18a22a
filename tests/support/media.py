"""Real voice-overs and clips, encoded the way clients upload them (PyAV's bundled FFmpeg)."""

from __future__ import annotations

import io
import math
import wave
from array import array

import av
import numpy as np

RATE = 16_000


def _tone(seconds: float = 0.5) -> array[int]:
    samples = int(RATE * seconds)
    return array("h", (int(8000 * math.sin(2 * math.pi * 440 * i / RATE)) for i in range(samples)))


def wav_bytes() -> bytes:
    """Half a second of a 440 Hz tone as a 16-bit mono WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(_tone().tobytes())
    return buffer.getvalue()


def mp3_bytes(*, id3: bool = True) -> bytes:
    """The same tone as an MP3; without ``id3`` it starts straight with an MPEG frame."""
    buffer = io.BytesIO()
    options = {} if id3 else {"id3v2_version": "0", "write_xing": "0"}
    with av.open(buffer, "w", format="mp3", options=options) as container:
        stream = container.add_stream("libmp3lame", rate=RATE, layout="mono")
        samples = np.frombuffer(_tone().tobytes(), dtype=np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = RATE
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return buffer.getvalue()


def clip_bytes(fmt: str) -> bytes:
    """Ten frames of 64x64 video as ``mp4`` (H.264) or ``webm`` (VP8)."""
    buffer = io.BytesIO()
    codec = {"mp4": "libx264", "webm": "libvpx"}[fmt]
    with av.open(buffer, "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for i in range(10):
            pixels = np.full((64, 64, 3), i * 20, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()
