"""The head: outline with a jaw, ears, then face, hair and accessories in drawing order."""

from __future__ import annotations

import numpy as np

from looksmith.engines.procedural.canvas import Pen, Points
from looksmith.engines.procedural.colors import shade
from looksmith.engines.procedural.face import (
    FaceGeo,
    blush,
    paint_facial_hair,
    paint_features,
    paint_glasses,
)
from looksmith.engines.procedural.hair import paint_hair_back, paint_hair_front, paint_hat
from looksmith.engines.procedural.look import Look, Variation

NECK_PIVOT = (0.0, 0.55)


def head_outline(geo: FaceGeo, woman: bool) -> Points:
    """Skull ellipse above, a tapering jaw below; men squarer, women to a softer point."""
    ang = np.linspace(0.0, 2 * np.pi, 64, endpoint=False)
    cos, sin = np.cos(ang), np.sin(ang)
    below = np.clip(sin, 0.0, 1.0)
    # Squarer jaw: push the lower half towards a superellipse before tapering to the chin.
    power = 0.8 if not woman else 0.95
    x = geo.rx * np.sign(cos) * np.abs(cos) ** np.where(below > 0, power, 1.0)
    taper = 1 - (0.3 if woman else 0.22) * below**2
    y = geo.ry * sin
    return np.stack([x * taper + geo.turn * 0.035 * below, y], axis=1)


def _ears(pen: Pen, geo: FaceGeo, look: Look) -> None:
    for side in (-1, 1):
        # The ear on the side the face turns towards slips behind the cheek.
        hide = max(0.0, side * geo.turn) * 0.06
        x = side * (geo.rx - 0.01 - hide) + geo.turn * 0.02
        pen.ellipse(x, 0.04, 0.075, 0.12, shade(look.skin, 0.92))
        pen.ellipse(x + side * 0.01, 0.04, 0.04, 0.075, shade(look.skin, 0.75))
        if look.earrings is not None:
            pen.ellipse(x, 0.19, 0.025, 0.025, look.earrings)
            pen.ellipse(x, 0.245, 0.018, 0.03, shade(look.earrings, 0.85))


def face_geo(look: Look, var: Variation, big_eyes: bool) -> FaceGeo:
    """Proportions for this person, variant and style."""
    rx = (0.42 if big_eyes else 0.38) - (0.015 if look.woman else 0.0)
    return FaceGeo(
        rx=rx,
        ry=0.5,
        shift=var.turn * 0.09,
        turn=var.turn,
        eye_w=0.1 if big_eyes else 0.082,
        eye_h=0.062 if big_eyes else 0.04,
        big_eyes=big_eyes,
        light=var.light,
    )


def paint_head_back(pen: Pen, look: Look, var: Variation, big_eyes: bool) -> None:
    """Draw the hair that falls behind the head and shoulders, before the body."""
    paint_hair_back(pen.rotated(var.tilt, NECK_PIVOT), face_geo(look, var, big_eyes), look, var)


def paint_head(pen: Pen, look: Look, var: Variation, big_eyes: bool) -> None:
    """Draw the head, tilted about the neck, with everything on it."""
    pen = pen.rotated(var.tilt, NECK_PIVOT)
    geo = face_geo(look, var, big_eyes)
    _ears(pen, geo, look)
    outline = head_outline(geo, look.woman)
    pen.shaded(outline, look.skin, var.light, rim=True, depth=0.86, soft=True)
    if look.woman or big_eyes:
        blush(pen, geo, look)
    paint_facial_hair(pen, geo, look, outline)
    paint_features(pen, geo, look, var)
    paint_hair_front(pen, geo, look, var)
    paint_glasses(pen, geo, look)
    paint_hat(pen, geo, look)
