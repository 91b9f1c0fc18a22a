"""The backdrop: a lit gradient plus a few flat shapes, arranged per variant."""

from __future__ import annotations

import numpy as np

from looksmith.domain.specs import Pose, Style
from looksmith.engines.procedural.canvas import Canvas, Pen, Points
from looksmith.engines.procedural.colors import RGB, mix, shade
from looksmith.engines.procedural.framing import Frame
from looksmith.engines.procedural.look import Rng, Variation
from looksmith.engines.procedural.themes import Theme

_BANDS = 64


def _gradient(canvas: Canvas, ramp: tuple[RGB, RGB, RGB], light_y: float) -> None:
    """Fill the canvas with a vertical gradient brightest at ``light_y`` (share of height).

    Sixty-four flat bands cost a tenth of resizing a gradient image to full size, and a
    step of under two levels per band does not show.
    """
    width, height = canvas.size
    stops = [mix(ramp[0], ramp[1], 0.5), ramp[0], ramp[1], ramp[2]]
    inks = canvas.ramp(stops, _BANDS, knots=(0.0, light_y, 0.5 + light_y / 2, 1.0))
    band = height / _BANDS
    for i, ink in enumerate(inks):
        canvas.draw.rectangle((0, round(i * band), width, round((i + 1) * band)), fill=ink)


def _halo(pen: Pen, colour: RGB, r: float, y: float) -> None:
    """Concentric discs that step softly from ``colour`` outwards."""
    for k, t in ((1.0, 0.0), (0.8, 0.6)):
        pen.ellipse(0.0, y, r * k, r * k, mix(shade(colour, 0.96), colour, t))


def _circles(pen: Pen, theme: Theme, rng: Rng, side: int) -> None:
    _halo(pen, theme.accents[0], 1.25, -0.1)
    for i in range(3):
        x = side * (1.9 + 0.9 * i + float(rng.uniform(-0.2, 0.2)))
        y = -1.2 + 1.3 * i + float(rng.uniform(-0.3, 0.3))
        r = 0.35 - 0.08 * i
        pen.ellipse(x, y, r, r, theme.accents[1 + i % 3])


def _panels(pen: Pen, theme: Theme, side: int, tall: float) -> None:
    colour = theme.accents[1]
    for i in range(4):
        x = side * (1.4 + 1.1 * i)
        pen.poly(np.array([[x, -tall], [x + 0.55, -tall], [x + 0.55, tall], [x, tall]]), colour)
    pen.poly(np.array([[-12.0, 1.6], [12.0, 1.6], [12.0, 1.7], [-12.0, 1.7]]), shade(colour, 0.85))


def _blinds(pen: Pen, theme: Theme, side: int) -> None:
    """Slatted light falling across the wall, the classic film-noir motif."""
    colour = theme.accents[2]
    for i in range(-3, 5):
        y = i * 1.1
        pts = np.array(
            [[-14.0, y], [14.0, y - side * 3.0], [14.0, y - side * 3.0 + 0.45], [-14.0, y + 0.45]]
        )
        pen.poly(pts, mix(colour, theme.accents[3], 0.3 if i % 2 else 0.0))


def _arch(pen: Pen, theme: Theme) -> None:
    ang = np.linspace(np.pi, 2 * np.pi, 28)
    top = np.stack([1.7 * np.cos(ang), -0.4 + 1.7 * np.sin(ang)], axis=1)
    pen.poly(np.concatenate([top, [[1.7, 12.0], [-1.7, 12.0]]]), theme.accents[0])
    pen.poly(np.array([[-14.0, 5.8], [14.0, 5.8], [14.0, 6.0], [-14.0, 6.0]]), theme.accents[3])


def _skyline(pen: Pen, theme: Theme, rng: Rng, dark: RGB) -> None:
    """Tower silhouettes with neon window bands and signs for the cyberpunk backdrop."""
    x = -7.0
    while x < 7.0:
        w = float(rng.uniform(1.4, 2.4))
        top = float(rng.uniform(-1.8, 1.0))
        pen.poly(_rect(x, top, x + w, 12.0), shade(dark, 0.65 if int(x) % 2 else 0.9))
        neon = theme.accents[int(rng.integers(len(theme.accents)))]
        pen.poly(_rect(x + 0.15, top + 0.35, x + w - 0.15, top + 0.43), neon)
        x += w + float(rng.uniform(0.1, 0.4))
    for colour, y in ((theme.accents[0], -1.5), (theme.accents[1], -0.9)):
        pen.poly(
            np.array([[-12.0, y], [12.0, y + 0.5], [12.0, y + 0.58], [-12.0, y + 0.08]]), colour
        )


def _rect(x0: float, y0: float, x1: float, y1: float) -> Points:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def _floor(pen: Pen, colour: RGB, light: int) -> None:
    pen.poly(np.array([[-30.0, 5.6], [30.0, 5.6], [30.0, 40.0], [-30.0, 40.0]]), colour)
    pen.poly(
        np.array([[-30.0, 5.6], [30.0, 5.6], [30.0, 5.66], [-30.0, 5.66]]), shade(colour, 0.85)
    )
    pen.ellipse(-0.35 * light, 6.3, 1.35, 0.2, shade(colour, 0.72))


def paint_background(
    canvas: Canvas, theme: Theme, style: Style, var: Variation, frame: Frame, pose: Pose, rng: Rng
) -> None:
    """Paint the gradient, the variant's composition and, when feet show, a floor."""
    ramp = theme.ramps[var.composition]
    _gradient(canvas, ramp, 0.3)
    # Backdrop shapes live in figure units around the head, so they scale with the framing;
    # a close-up gets them smaller relative to the person, a full-body shot larger.
    unit = frame.scale * (0.55 if pose is Pose.CLOSE_UP else 1.0 if pose is Pose.HALF_BODY else 1.6)
    pen = Pen.at(canvas, (frame.head_x, frame.head_y), unit)
    side = -var.light
    if style is Style.CYBERPUNK:
        _skyline(pen, theme, rng, ramp[2])
    elif style is Style.NOIR and var.composition % 2 == 0:
        _blinds(pen, theme, side)
    elif var.composition == 1:
        _circles(pen, theme, rng, side)
    elif var.composition == 2:
        _panels(pen, theme, side, 12.0)
    elif var.composition == 3:
        _arch(pen, theme)
    else:
        _halo(pen, mix(ramp[0], (255, 255, 255), 0.3), 1.6, -0.2)
    if pose is Pose.FULL_BODY:
        floor_pen = Pen.at(canvas, (frame.head_x, frame.head_y), frame.scale)
        _floor(floor_pen, shade(ramp[1], 0.8), var.light)
