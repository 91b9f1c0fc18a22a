"""Gentle, looping motion of a still portrait: breathing, a slight head movement, blinks.

Every movement is periodic over the clip (whole cycles), so the last frame leads back into the
first and the clip loops without a seam. Frame 0 is the still itself. The head moves as a soft
warp around the face (weighted by a Gaussian), so nothing tears; the camera may drift a little.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np

from looksmith.domain.motion import MotionType
from looksmith.domain.specs import FaceBox
from looksmith.engines.procedural.eyes import Eye, find_eyes

FPS = 20
SECONDS = 4
FRAMES = FPS * SECONDS


@dataclass(frozen=True, slots=True)
class MotionStyle:
    """How much and how often each part moves; sizes are fractions of the face or picture."""

    breath: float  # rise of the shoulders, fraction of the face height
    sway: float  # sideways head shift, fraction of the face width
    nod: float  # vertical head shift, fraction of the face height
    tilt: float  # head roll, degrees
    head_cycles: int
    blinks: int
    zoom: float  # camera push, fraction of the picture
    pan: float  # camera drift, fraction of the picture width


STYLES: dict[MotionType, MotionStyle] = {
    MotionType.CONSISTENT: MotionStyle(0.035, 0.04, 0.02, 1.0, 1, 1, 0.0, 0.0),
    MotionType.CONSISTENT_GEN_3: MotionStyle(0.03, 0.035, 0.015, 0.8, 1, 1, 0.006, 0.0),
    MotionType.EXPRESSIVE: MotionStyle(0.05, 0.08, 0.05, 2.5, 2, 2, 0.0, 0.0),
    MotionType.HAILUO_2: MotionStyle(0.04, 0.05, 0.03, 1.5, 1, 1, 0.012, 0.0),
    MotionType.VEO2: MotionStyle(0.04, 0.05, 0.025, 1.2, 1, 1, 0.008, 0.003),
    MotionType.SEEDANCE_LITE: MotionStyle(0.03, 0.06, 0.02, 1.8, 2, 1, 0.0, 0.004),
    MotionType.KLING: MotionStyle(0.045, 0.06, 0.04, 2.0, 2, 2, 0.01, 0.0),
}

_CALM = ("calm", "subtle", "still", "gentle", "slow", "relaxed")
_LIVELY = ("energetic", "lively", "excited", "dynamic", "animated", "laugh")


def style_for(motion_type: MotionType, prompt: str | None) -> MotionStyle:
    """The motion type's style, shaped by words of the prompt (nod, turn, calm, lively...)."""
    style = STYLES[motion_type]
    words = (prompt or "").lower()
    if "nod" in words:
        style = replace(style, nod=style.nod * 2.0 + 0.02)
    if any(word in words for word in ("turn", "look around", "sway", "shake")):
        style = replace(style, sway=style.sway * 1.8 + 0.02)
    if any(word in words for word in _CALM):
        style = replace(style, sway=style.sway * 0.5, nod=style.nod * 0.5, tilt=style.tilt * 0.5)
    if any(word in words for word in _LIVELY):
        style = replace(style, sway=style.sway * 1.4, nod=style.nod * 1.4, blinks=style.blinks + 1)
    if "blink" in words:
        style = replace(style, blinks=style.blinks + 1)
    return style


def animate_frames(
    still: np.ndarray, face: FaceBox | None, style: MotionStyle, *, seed: int
) -> list[np.ndarray]:
    """The looping frames of the still (an RGB array), the first equal to the still."""
    rng = np.random.default_rng(seed)
    phases = rng.uniform(0, 2 * math.pi, size=3)
    rig = _Rig.build(still.shape[1], still.shape[0], face)
    eyes = find_eyes(still, face) if face is not None else []
    blink_times = _blink_times(style.blinks, rng)
    frames = []
    for index in range(FRAMES):
        theta = 2 * math.pi * index / FRAMES
        map_x, map_y = rig.maps(style, theta, phases)
        frame = cv2.remap(
            still, map_x, map_y, interpolation=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
        closure = _closure(index, blink_times)
        if face is not None and closure > 0:
            frame = _blink(frame, rig.moved_eyes(eyes, style, theta, phases), closure)
        frames.append(frame)
    return frames


@dataclass(frozen=True, slots=True)
class _Rig:
    """Fixed fields over the picture: where the head and shoulders are and how they pull."""

    grid_x: np.ndarray
    grid_y: np.ndarray
    head: np.ndarray  # 1 at the face, fading out around it
    shoulders: np.ndarray  # 1 below the chin around the body, 0 at the top
    pivot: tuple[float, float]  # the neck: the head rolls around it
    face: tuple[float, float, float, float]  # x, y, width, height
    size: tuple[int, int]

    @classmethod
    def build(cls, width: int, height: int, face: FaceBox | None) -> _Rig:
        if face is None:  # no known face: assume a centred head and skip blinks
            side = 0.28 * min(width, height)
            box = (width / 2 - side / 2, height * 0.22, side, side * 1.2)
        else:
            box = (float(face.x), float(face.y), float(face.width), float(face.height))
        fx, fy, fw, fh = box
        grid_x, grid_y = np.meshgrid(
            np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32)
        )
        cx, cy = fx + fw / 2, fy + fh * 0.45
        head = np.exp(
            -(((grid_x - cx) / (0.85 * fw)) ** 2 + ((grid_y - cy) / (0.95 * fh)) ** 2) / 2
        )
        chin = fy + fh
        below = np.clip((grid_y - chin * 0.9) / max(height - chin, 1.0), 0, 1)
        rise = np.clip(1.0 - below, 0, 1) * (grid_y > chin * 0.9)
        around = np.exp(-(((grid_x - cx) / (2.2 * fw)) ** 2) / 2)
        shoulders = (rise * around).astype(np.float32)
        return cls(
            grid_x, grid_y, head.astype(np.float32), shoulders, (cx, fy + fh * 1.05), box,
            (width, height),
        )  # fmt: skip

    def offsets(self, style: MotionStyle, theta: float, phases: np.ndarray) -> tuple[float, ...]:
        """Head shift (x, y), roll (radians), breath and camera zoom and pan at ``theta``."""
        _, _, fw, fh = self.face
        k = style.head_cycles
        sway = style.sway * fw * math.sin(k * theta + phases[0])
        nod = style.nod * fh * math.sin(k * theta + phases[1]) * math.sin(theta)
        roll = math.radians(style.tilt) * (math.sin(theta + phases[2]) - math.sin(phases[2]))
        breath = style.breath * fh * (1 - math.cos(2 * theta)) / 2
        zoom = style.zoom * (1 - math.cos(theta)) / 2
        pan = style.pan * self.size[0] * math.sin(theta)
        return sway - math.sin(phases[0]) * style.sway * fw, nod, roll, breath, zoom, pan

    def maps(
        self, style: MotionStyle, theta: float, phases: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Where each output pixel samples the still (backward maps for ``cv2.remap``)."""
        sway, nod, roll, breath, zoom, pan = self.offsets(style, theta, phases)
        px, py = self.pivot
        rel_x, rel_y = self.grid_x - px, self.grid_y - py
        dx = self.head * (sway - roll * rel_y)
        dy = self.head * (nod + roll * rel_x) - self.shoulders * breath
        width, height = self.size
        scale = 1.0 / (1.0 + zoom)
        map_x = (self.grid_x - width / 2) * scale + width / 2 - dx - pan
        map_y = (self.grid_y - height / 2) * scale + height / 2 - dy
        return map_x.astype(np.float32), map_y.astype(np.float32)

    def moved_eyes(
        self, eyes: list[Eye], style: MotionStyle, theta: float, phases: np.ndarray
    ) -> list[Eye]:
        """The eyes where the head's movement has taken them at ``theta``."""
        sway, nod, *_ = self.offsets(style, theta, phases)
        moved = []
        for ex, ey, hw, hh in eyes:
            row = int(np.clip(ey, 0, self.size[1] - 1))
            weight = float(self.head[row, int(np.clip(ex, 0, self.size[0] - 1))])
            moved.append((ex + weight * sway, ey + weight * nod, hw, hh))
        return moved


def _blink_times(count: int, rng: np.random.Generator) -> list[int]:
    """Frames at which blinks peak, spread out and away from the loop's seam."""
    if count <= 0:
        return []
    slots = np.linspace(0, FRAMES, count + 1)[:-1] + FRAMES / (2 * count)
    jitter = rng.uniform(-0.15, 0.15, size=count) * FRAMES / count
    return [
        int(np.clip(slot + shift, 8, FRAMES - 8)) for slot, shift in zip(slots, jitter, strict=True)
    ]


def _closure(index: int, blink_times: list[int]) -> float:
    """How closed the eyes are: a blink takes five frames (a quarter second)."""
    best = 0.0
    for peak in blink_times:
        distance = abs(index - peak)
        if distance <= 2:
            best = max(best, (1 + math.cos(math.pi * distance / 3)) / 2)
    return best


def _blink(frame: np.ndarray, eyes: list[Eye], closure: float) -> np.ndarray:
    """Draw lids over the eyes: the skin above each eye slides down, with a lash line."""
    out = frame.astype(np.float32)
    height, width = frame.shape[:2]
    for ex, ey, hw, hh in eyes:
        x0, x1 = max(int(ex - hw * 1.4), 0), min(int(ex + hw * 1.4) + 1, width)
        y0, y1 = max(int(ey - hh * 2.2), 0), min(int(ey + hh * 2.2) + 1, height)
        if x1 - x0 < 2 or y1 - y0 < 2:
            continue
        ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        # The upper lid is the skin just above the eye, stretched down over it.
        source_y = ey - hh * 2.0 + (ys - (ey - hh * 2.0)) * 0.35
        lid = cv2.remap(
            frame, xs, np.clip(source_y, 0, height - 1), cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REFLECT,
        ).astype(np.float32)  # fmt: skip
        inside = ((xs - ex) / (hw * 1.15)) ** 2 + ((ys - ey) / (hh * 1.5)) ** 2
        mask = np.clip((1.0 - inside) * 3.0, 0, 1)[..., None] * closure
        lash = np.exp(-(((ys - ey - hh * 0.3) / max(hh * 0.22, 0.6)) ** 2))
        lash *= np.clip(1 - ((xs - ex) / hw) ** 2, 0, 1)
        lid *= 1 - 0.35 * lash[..., None]
        out[y0:y1, x0:x1] = out[y0:y1, x0:x1] * (1 - mask) + lid * mask
    result: np.ndarray = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    return result
