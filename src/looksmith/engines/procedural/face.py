"""Facial features: eyes, brows, nose, mouth, age lines, facial hair and glasses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from looksmith.engines.procedural.canvas import Pen, Points, bezier, ellipse_points
from looksmith.engines.procedural.colors import RGB, mix, shade
from looksmith.engines.procedural.look import Look, Variation

_WHITE = (244, 240, 234)
_INK = (34, 26, 26)


@dataclass(frozen=True, slots=True)
class FaceGeo:
    """Head proportions and where the features sit for this variant's turn of the head."""

    rx: float
    ry: float
    shift: float
    turn: float
    eye_w: float
    eye_h: float
    big_eyes: bool
    light: int

    def eye_x(self, side: int) -> float:
        """Eye centre; the eye on the side the face turns to moves in, foreshortened."""
        return side * 0.155 * (1 - 0.3 * max(0.0, side * self.turn)) + self.shift

    def eye_scale(self, side: int) -> float:
        """Horizontal squash of that eye from the turn."""
        return 1 - 0.35 * max(0.0, side * self.turn)


def _eye(pen: Pen, geo: FaceGeo, side: int, look: Look, var: Variation) -> None:
    x, y = geo.eye_x(side), 0.0
    ew, eh = geo.eye_w * geo.eye_scale(side), geo.eye_h
    upper = bezier((x - ew, y), (x - 0.2 * side * ew, y - 2.1 * eh), (x + ew, y), 12)
    lower = bezier((x + ew, y), (x + 0.1 * side * ew, y + 1.5 * eh), (x - ew, y), 12)
    pen.poly(np.concatenate([upper, lower]), mix(_WHITE, look.skin, 0.12))
    ir = eh * (1.15 if geo.big_eyes else 1.0)
    ix = x + var.gaze * ew * 0.45 + geo.turn * ew * 0.2
    iris = ellipse_points(ix, y + 0.004, ir, ir, 24)
    # Keep the iris inside the almond: clamp each point between the lid curves at its x.
    top = np.interp(iris[:, 0], upper[:, 0], upper[:, 1])
    bottom = np.interp(iris[:, 0], lower[::-1, 0], lower[::-1, 1])
    iris[:, 1] = np.clip(iris[:, 1], top, bottom)
    pen.poly(iris, shade(look.eyes, 0.75))
    pen.ellipse(ix + ir * 0.1, y + ir * 0.15, ir * 0.75, ir * 0.7, look.eyes)
    pen.ellipse(ix, y + 0.004, ir * 0.42, ir * 0.42, (16, 12, 12))
    pen.ellipse(ix - ir * 0.3, y - ir * 0.3, ir * 0.24, ir * 0.24, (255, 255, 255))
    lid = 0.026 if look.woman else 0.018
    pen.band(
        (x - ew * 1.05, y + 0.003),
        (x - 0.2 * side * ew, y - 2.15 * eh),
        (x + ew * 1.05, y + 0.003),
        lid,
        _INK,
        taper=0.75,
    )
    if look.woman:
        # A single flick at the outer corner reads as lashes at any size.
        outer = x + side * ew
        pen.band(
            (outer - side * 0.03, y - 0.02),
            (outer, y - 0.005),
            (outer + side * 0.03, y - 0.035),
            0.02,
            _INK,
            taper=0.9,
        )


def _brow(pen: Pen, geo: FaceGeo, side: int, look: Look, var: Variation) -> None:
    x, ew = geo.eye_x(side), geo.eye_w * geo.eye_scale(side)
    lift = 0.02 * var.brow_raise + (0.015 if geo.big_eyes else 0.0)
    inner = (x - side * ew * 1.0, -0.085 - lift * 0.5)
    outer = (x + side * ew * 1.2, -0.075 - lift * 0.6)
    colour = mix(look.hair, (24, 18, 16), 0.35)
    pen.band(
        inner,
        (x + side * 0.01, -0.14 - lift),
        outer,
        0.036 if not look.woman else 0.026,
        colour,
        taper=0.55,
    )


def _nose(pen: Pen, geo: FaceGeo, look: Look) -> None:
    nx = geo.shift * 1.35
    if geo.big_eyes:
        pen.ellipse(nx, 0.17, 0.05, 0.04, shade(look.skin, 0.9))
        pen.ellipse(nx - 0.012, 0.16, 0.018, 0.013, shade(look.skin, 1.12))
        return
    dark = shade(look.skin, 0.84)
    pen.band(
        (nx - geo.light * 0.04, -0.02),
        (nx - geo.light * 0.06, 0.1),
        (nx - geo.light * 0.045, 0.17),
        0.028,
        dark,
    )
    pen.ellipse(nx, 0.175, 0.05, 0.035, shade(look.skin, 0.94))
    pen.band(
        (nx - 0.04, 0.185), (nx, 0.215), (nx + 0.04, 0.185), 0.018, shade(look.skin, 0.6), taper=0.9
    )


def _mouth(pen: Pen, geo: FaceGeo, look: Look, var: Variation) -> None:
    mx, y = geo.shift * 1.15, 0.31
    mw = (0.1 if look.woman else 0.11) * (1 - 0.2 * abs(geo.turn))
    dark = shade(look.lips, 0.45)
    kind = var.expression
    lift_l, lift_r = {"smile": (0.03, 0.03), "grin": (0.035, 0.035), "smirk": (0.0, 0.035)}.get(
        kind, (0.0, 0.0)
    )
    left, right = (mx - mw, y - lift_l), (mx + mw, y - lift_r)
    if kind == "grin":
        upper = bezier(left, (mx, y - 0.015), right, 12)
        lower = bezier(right, (mx, y + 0.1), left, 12)
        pen.poly(np.concatenate([upper, lower]), (92, 36, 42))
        teeth = bezier(right, (mx, y + 0.02), left, 12)
        pen.poly(np.concatenate([upper, teeth]), (246, 244, 238))
        pen.band(left, (mx, y - 0.04), right, 0.018, look.lips, taper=0.6)
        pen.band(left, (mx, y + 0.11), right, 0.026, look.lips, taper=0.8)
        return
    sag = 0.035 if kind != "neutral" else 0.006
    lip_lower = bezier(right, (mx, y + 0.055 + sag), left, 12)
    lip_upper = bezier(left, (mx, y - 0.035 + sag * 0.5), right, 12)
    pen.poly(np.concatenate([lip_upper, lip_lower]), look.lips)
    pen.band(left, (mx, y + sag * 1.6), right, 0.013, dark, taper=0.4)


def _age_lines(pen: Pen, geo: FaceGeo, look: Look) -> None:
    if look.wrinkles == 0:
        return
    line = shade(look.skin, 0.8)
    nx = geo.shift * 1.2
    for side in (-1, 1):
        pen.band(
            (nx + side * 0.075, 0.19),
            (nx + side * 0.13, 0.26),
            (nx + side * 0.135, 0.34),
            0.012,
            line,
        )
    if look.wrinkles >= 2:
        for i in range(look.wrinkles - 1):
            y = -0.24 - 0.045 * i
            pen.band(
                (geo.shift - 0.14, y), (geo.shift, y - 0.02), (geo.shift + 0.14, y), 0.01, line
            )
        for side in (-1, 1):
            ox = geo.eye_x(side) + side * geo.eye_w * 1.15
            for dy in (-0.02, 0.015):
                pen.line(np.array([[ox, 0.0], [ox + side * 0.04, dy]]), line, 0.008)
    if look.wrinkles >= 3:
        for side in (-1, 1):
            ex = geo.eye_x(side)
            pen.band((ex - 0.06, 0.055), (ex, 0.085), (ex + 0.06, 0.055), 0.009, line)
            pen.band(
                (side * 0.2 + geo.shift, 0.36),
                (side * 0.23 + geo.shift, 0.42),
                (side * 0.2 + geo.shift, 0.47),
                0.01,
                line,
            )


def _jaw_region(outline: Points, top: float) -> Points:
    """The part of the head outline below ``top``, closed along a gentle cheek line."""
    low = outline[outline[:, 1] > top]
    low = low[np.argsort(-low[:, 0])]
    cheek = bezier((low[-1, 0], top), (0.0, top + 0.12), (low[0, 0], top), 10)
    return np.concatenate([low, cheek])


def paint_facial_hair(pen: Pen, geo: FaceGeo, look: Look, outline: Points) -> None:
    """Stubble, beard or moustache, drawn before the mouth so the lips sit on top."""
    kind = look.facial_hair
    if kind is None:
        return
    mx = geo.shift * 1.15
    if kind in ("stubble", "beard"):
        region = _jaw_region(outline, 0.1 if kind == "beard" else 0.16)
        if kind == "beard":
            region = region * np.array([1.04, 1.0]) + np.array([0.0, 0.03])
        colour = look.hair if kind == "beard" else mix(look.skin, look.hair, 0.3)
        pen.poly(region, colour)
    pen.band(
        (mx - 0.14, 0.29),
        (mx, 0.22),
        (mx + 0.14, 0.29),
        0.05,
        shade(look.hair, 0.95) if kind != "stubble" else mix(look.skin, look.hair, 0.45),
        taper=0.5,
    )


def paint_glasses(pen: Pen, geo: FaceGeo, look: Look) -> None:
    """Frames around both eyes; sunglasses get dark lenses with a glint."""
    if look.glasses is None:
        return
    sun = look.glasses == "sunglasses"
    width = 0.02 if not sun else 0.024
    for side in (-1, 1):
        x = geo.eye_x(side)
        rw = (geo.eye_w + 0.045) * geo.eye_scale(side)
        ring = ellipse_points(x, 0.01, rw, 0.085, 28)
        ring = np.clip(ring, [x - rw * 0.92, -0.07], [x + rw * 0.92, 0.09])
        if sun:
            pen.poly(ring, (28, 30, 38))
            pen.line(
                np.array([[x - rw * 0.5, -0.03], [x - rw * 0.1, -0.06]]), (120, 124, 140), 0.015
            )
        pen.line(np.concatenate([ring, ring[:1]]), look.frame, width)
        temple_x = side * geo.rx * 0.98
        pen.line(np.array([[x + side * rw * 0.92, -0.02], [temple_x, -0.03]]), look.frame, width)
    bridge = bezier(
        (geo.eye_x(-1) + geo.eye_w * 0.95, -0.01),
        (geo.shift, -0.04),
        (geo.eye_x(1) - geo.eye_w * 0.95, -0.01),
        6,
    )
    pen.line(bridge, look.frame, width)


def paint_features(pen: Pen, geo: FaceGeo, look: Look, var: Variation) -> None:
    """Eyes, brows, nose, lines and mouth in drawing order."""
    _age_lines(pen, geo, look)
    for side in (-1, 1):
        _eye(pen, geo, side, look, var)
        _brow(pen, geo, side, look, var)
    _nose(pen, geo, look)
    _mouth(pen, geo, look, var)


def blush(pen: Pen, geo: FaceGeo, look: Look) -> None:
    """Soft cheek colour in two steps, for women and the Pixar style."""
    tint: RGB = mix(look.skin, (232, 112, 124), 0.2)
    for side in (-1, 1):
        x = geo.eye_x(side) + side * 0.02
        pen.ellipse(x, 0.15, 0.075, 0.045, tint)
