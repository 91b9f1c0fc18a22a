"""MP4 (H.264 + AAC) and M4A encoding and decoding with PyAV, whose wheel ships FFmpeg and x264."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.audio.stream import AudioStream
from av.video.stream import VideoStream

AUDIO_RATE = 44100
_X264_OPTIONS = {"crf": "20", "preset": "veryfast", "tune": "film"}
_MP4_OPTIONS = {"movflags": "+faststart"}


def encode_mp4(frames: Sequence[np.ndarray], fps: int, audio: np.ndarray | None = None) -> bytes:
    """H.264 (yuv420p) frames, and a mono AAC track if ``audio`` (floats in [-1, 1]) is given."""
    height, width = frames[0].shape[:2]
    with _mp4_output() as (out, result):
        video = _video_stream(out, width, height, fps)
        sound = _audio_stream(out) if audio is not None else None
        for index, frame in enumerate(frames):
            picture = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")
            picture.pts = index
            out.mux(video.encode(picture))
        out.mux(video.encode(None))
        if sound is not None and audio is not None:
            _encode_audio(out, sound, audio)
    return bytes(result)


def encode_m4a(audio: np.ndarray) -> bytes:
    """A mono AAC track in an MP4 audio container."""
    with _mp4_output() as (out, result):
        _encode_audio(out, _audio_stream(out), audio)
    return bytes(result)


def with_audio_track(mp4: bytes, m4a: bytes) -> bytes:
    """The clip's video stream and the M4A's sound, both copied as they are, in one MP4."""
    with (
        av.open(io.BytesIO(mp4), "r") as video,
        av.open(io.BytesIO(m4a), "r") as audio,
        _mp4_output() as (
            out,
            result,
        ),
    ):
        pairs = [
            (video, video.streams.video[0]),
            (audio, audio.streams.audio[0]),
        ]
        # Every output stream exists before the first packet goes out.
        copies = [
            (source, stream, out.add_stream_from_template(stream)) for source, stream in pairs
        ]
        for source, stream, copy in copies:
            for packet in source.demux(stream):
                if packet.dts is None:
                    continue
                packet.stream = copy
                out.mux(packet)
    return bytes(result)


def decode_frames(mp4: bytes) -> tuple[list[np.ndarray], int]:
    """Every frame of the clip's video as RGB arrays, and its frame rate."""
    with av.open(io.BytesIO(mp4), "r") as source:
        stream = source.streams.video[0]
        rate = stream.average_rate or Fraction(24)
        frames = [frame.to_ndarray(format="rgb24") for frame in source.decode(stream)]
    return frames, round(rate)


def decode_audio(data: bytes) -> tuple[np.ndarray, int]:
    """The first sound track of an MP4 or M4A as mono floats, and its sample rate."""
    with av.open(io.BytesIO(data), "r") as source:
        stream = source.streams.audio[0]
        chunks = [frame.to_ndarray().astype(np.float32) for frame in source.decode(stream)]
        rate = stream.rate
    samples = np.concatenate([chunk.reshape(chunk.shape[0], -1) for chunk in chunks], axis=1)
    return samples.mean(axis=0), rate


@contextmanager
def _mp4_output() -> Iterator[tuple[av.container.OutputContainer, bytearray]]:
    """An MP4 being written to a scratch file: moving the index to the front (faststart, so
    players start at once) needs a second pass over a real file."""
    with tempfile.TemporaryDirectory(prefix="looksmith-mp4-") as folder:
        path = Path(folder) / "out.mp4"
        result = bytearray()
        with av.open(str(path), "w", format="mp4", options=_MP4_OPTIONS) as out:
            yield out, result
        result.extend(path.read_bytes())


def _video_stream(
    out: av.container.OutputContainer, width: int, height: int, fps: int
) -> VideoStream:
    stream = out.add_stream("libx264", rate=fps, options=_X264_OPTIONS)
    stream.width, stream.height = width, height
    stream.pix_fmt = "yuv420p"
    stream.time_base = Fraction(1, fps)
    return stream


def _audio_stream(out: av.container.OutputContainer) -> AudioStream:
    stream = out.add_stream("aac", rate=AUDIO_RATE, layout="mono")
    stream.bit_rate = 96_000
    return stream


def _encode_audio(
    out: av.container.OutputContainer, stream: AudioStream, audio: np.ndarray
) -> None:
    pcm = np.clip(audio, -1.0, 1.0).astype(np.float32).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(pcm, format="flt", layout="mono")
    frame.sample_rate = AUDIO_RATE
    frame.pts = 0
    out.mux(stream.encode(frame))
    out.mux(stream.encode(None))
