"""Ambient sound for a scene, synthesised: waves, a murmur of people, wind, or room tone.

Noise is shaped in the frequency domain over exactly the clip's length, and every envelope runs
whole cycles, so the track loops as seamlessly as the motion it goes with.
"""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np

_SCENES = {
    "waves": ("beach", "sea", "ocean", "wave", "coast", "shore", "surf", "island", "harbor"),
    "murmur": (
        "office", "street", "city", "cafe", "café", "restaurant", "crowd", "market", "bar",
        "station", "conference", "lobby", "party", "meeting", "classroom", "downtown",
    ),
    "wind": ("forest", "park", "garden", "mountain", "field", "meadow", "outdoor", "nature"),
}  # fmt: skip


class Ambience(StrEnum):
    """The kinds of ambient track the engine makes."""

    WAVES = "waves"
    MURMUR = "murmur"
    WIND = "wind"
    ROOM_TONE = "room_tone"


def ambience_for(scene: str) -> Ambience:
    """The ambience that fits a scene description; room tone when nothing matches."""
    words = scene.lower()
    for kind, cues in _SCENES.items():
        if any(cue in words for cue in cues):
            return Ambience(kind)
    return Ambience.ROOM_TONE


def synthesise(kind: Ambience, *, seconds: float, rate: int, seed: int) -> np.ndarray:
    """A mono track in [-1, 1] of ``kind``, ``seconds`` long, that loops seamlessly."""
    rng = np.random.default_rng(seed)
    count = round(seconds * rate)
    t = np.arange(count) / count  # one loop, 0 to 1
    if kind is Ambience.WAVES:
        track = _waves(rng, count, rate, t)
    elif kind is Ambience.MURMUR:
        track = _murmur(rng, count, rate, t)
    elif kind is Ambience.WIND:
        track = _wind(rng, count, rate, t)
    else:
        track = _room_tone(rng, count, rate, t)
    return _normalised(track, {Ambience.ROOM_TONE: 0.08}.get(kind, 0.35))


def _shaped_noise(rng: np.random.Generator, count: int, rate: int, shape: np.ndarray) -> np.ndarray:
    """Noise with the magnitude spectrum ``shape(f)``; periodic over ``count`` samples."""
    spectrum = shape * np.exp(2j * math.pi * rng.random(shape.shape))
    spectrum[0] = 0
    return np.fft.irfft(spectrum, n=count)


def _band(count: int, rate: int, low: float, high: float, tilt: float = 0.0) -> np.ndarray:
    freqs = np.fft.rfftfreq(count, 1 / rate)
    soft = np.clip((freqs - low) / max(low * 0.5, 1), 0, 1) * np.clip(
        (high - freqs) / (high * 0.5), 0, 1
    )
    shaped: np.ndarray = soft / np.maximum(freqs, 1.0) ** tilt
    return shaped


def _waves(rng: np.random.Generator, count: int, rate: int, t: np.ndarray) -> np.ndarray:
    """Surf: low roar swelling twice per loop, with a hiss on each crest."""
    roar = _shaped_noise(rng, count, rate, _band(count, rate, 40, 1200, tilt=0.8))
    hiss = _shaped_noise(rng, count, rate, _band(count, rate, 2000, 9000))
    swell = (1 - np.cos(2 * math.pi * 2 * t + rng.uniform(0, 2 * math.pi))) / 2
    return _unit(roar) * (0.25 + 0.75 * swell) + 0.35 * _unit(hiss) * swell**3


def _murmur(rng: np.random.Generator, count: int, rate: int, t: np.ndarray) -> np.ndarray:
    """Indistinct voices: speech-band noise under syllable-rate envelopes, over a rumble."""
    voices = np.zeros(count)
    for _ in range(6):
        formant = rng.uniform(300, 900)
        voice = _unit(
            _shaped_noise(rng, count, rate, _band(count, rate, formant * 0.6, formant * 2.2))
        )
        syllables = rng.integers(10, 22)  # whole cycles per loop: 2.5 to 5.5 a second over 4 s
        envelope = np.clip(np.sin(2 * math.pi * syllables * t + rng.uniform(0, 6.3)), 0, 1) ** 2
        phrasing = (1 - np.cos(2 * math.pi * rng.integers(1, 3) * t + rng.uniform(0, 6.3))) / 2
        voices += voice * envelope * (0.3 + 0.7 * phrasing)
    rumble = _unit(_shaped_noise(rng, count, rate, _band(count, rate, 30, 250, tilt=1.0)))
    return _unit(voices) + 0.4 * rumble


def _wind(rng: np.random.Generator, count: int, rate: int, t: np.ndarray) -> np.ndarray:
    """Wind through leaves: gusting broadband noise."""
    rustle = _unit(_shaped_noise(rng, count, rate, _band(count, rate, 200, 6000, tilt=0.5)))
    gust = (1 - np.cos(2 * math.pi * t + rng.uniform(0, 6.3))) / 2
    return rustle * (0.3 + 0.7 * gust)


def _room_tone(rng: np.random.Generator, count: int, rate: int, t: np.ndarray) -> np.ndarray:
    """A quiet room: soft brown noise and a faint mains hum."""
    air = _unit(_shaped_noise(rng, count, rate, _band(count, rate, 20, 3000, tilt=1.0)))
    hum_cycles = round(50 * count / rate)  # 50 Hz, whole cycles per loop
    return air + 0.15 * np.sin(2 * math.pi * hum_cycles * t)


def _unit(signal: np.ndarray) -> np.ndarray:
    peak = float(np.max(np.abs(signal))) or 1.0
    return signal / peak


def _normalised(signal: np.ndarray, peak: float) -> np.ndarray:
    return (_unit(signal) * peak).astype(np.float32)
