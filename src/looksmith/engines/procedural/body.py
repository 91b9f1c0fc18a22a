"""The body below the head: legs, torso and arms in the chosen garment, neck and neckwear."""

from __future__ import annotations

import numpy as np

from looksmith.engines.procedural.canvas import Pen, Points, bezier
from looksmith.engines.procedural.colors import mix, shade
from looksmith.engines.procedural.look import Look


def _pts(*xy: tuple[float, float]) -> Points:
    return np.array(xy, dtype=np.float64)


def _mirror(pts: Points) -> Points:
    out: Points = pts * np.array([-1.0, 1.0])
    return out


class _Build:
    """Body measurements in figure units; men broader in the shoulder, women at the hip."""

    def __init__(self, woman: bool) -> None:
        self.shoulder = 0.88 if woman else 1.04
        self.waist = 0.6 if woman else 0.74
        self.hip = 0.8 if woman else 0.76
        self.neck = 0.16 if woman else 0.2
        self.arm = 0.27 if woman else 0.32


def _torso(b: _Build) -> Points:
    slope = bezier((-b.neck - 0.08, 0.78), (-b.shoulder + 0.22, 0.8), (-b.shoulder, 1.08), 8)
    left = np.concatenate([slope, _pts((-b.shoulder + 0.05, 1.6), (-b.waist, 2.7), (-b.hip, 3.4))])
    return np.concatenate([left, _mirror(left)[::-1]])


def _arm(b: _Build, side: int, t_end: float) -> Points:
    """One arm hanging at the side, from the shoulder to ``t_end`` (1 = wrist) of its length."""
    curve = bezier(
        (side * (b.shoulder - 0.16), 0.95),
        (side * (b.shoulder + 0.1), 2.2),
        (side * (b.shoulder - 0.02), 3.15),
        10,
    )
    keep = max(2, round(t_end * 10))
    curve = curve[:keep]
    widths = np.linspace(b.arm, b.arm * 0.55, 10)[:keep, None] * 0.5
    tangent = np.gradient(curve, axis=0)
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1)
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    return np.concatenate([curve + normal * widths, (curve - normal * widths)[::-1]])


def _legs(pen: Pen, look: Look, light: int) -> None:
    for side in (-1, 1):
        leg = _pts(
            (side * 0.04, 3.4),
            (side * 0.76, 3.3),
            (side * 0.44, 4.75),
            (side * 0.3, 6.06),
            (side * 0.1, 6.06),
            (side * 0.08, 4.75),
        )
        colour = look.skin if look.garment == "dress" else look.trousers
        pen.shaded(leg, colour, light, rim=True, depth=0.78)
        shoe = _pts(
            (side * 0.06, 5.98),
            (side * 0.34, 5.98),
            (side * 0.52, 6.18),
            (side * 0.5, 6.3),
            (side * 0.04, 6.3),
        )
        pen.poly(shoe, look.shoes)
        pen.poly(
            _pts((side * 0.04, 6.26), (side * 0.5, 6.26), (side * 0.5, 6.3), (side * 0.04, 6.3)),
            shade(look.shoes, 0.6),
        )


def _hands(pen: Pen, b: _Build, look: Look) -> None:
    for side in (-1, 1):
        pen.ellipse(side * (b.shoulder - 0.03), 3.27, b.arm * 0.36, b.arm * 0.5, look.skin)


def _arms(pen: Pen, b: _Build, look: Look, light: int, bottom: float) -> None:
    short = look.garment in ("tshirt", "dress")
    for side in (-1, 1):
        if short:
            pen.shaded(_arm(b, side, 1.0), look.skin, light, rim=True, depth=0.84)
            pen.shaded(_arm(b, side, 0.35 if look.garment == "tshirt" else 0.2), look.top, light)
        else:
            pen.shaded(_arm(b, side, 1.0), look.top, light, rim=True, depth=0.74)
            cuff = shade(look.top, 0.82) if look.garment not in ("suit", "blazer") else look.inner
            x = side * (b.shoulder - 0.02)
            pen.poly(
                _pts(
                    (x - b.arm * 0.3, 3.02),
                    (x + b.arm * 0.3, 3.02),
                    (x + b.arm * 0.28, 3.13),
                    (x - b.arm * 0.28, 3.13),
                ),
                cuff,
            )
    if bottom > 3.05:
        _hands(pen, b, look)


def _neck(pen: Pen, b: _Build, look: Look) -> None:
    neck = _pts((-b.neck, 0.2), (b.neck, 0.2), (b.neck * 1.12, 0.95), (-b.neck * 1.12, 0.95))
    pen.poly(neck, shade(look.skin, 0.9))
    pen.poly(
        _pts((-b.neck, 0.2), (b.neck, 0.2), (b.neck, 0.42), (0.0, 0.5), (-b.neck, 0.42)),
        shade(look.skin, 0.78),
    )


def _v_opening(depth: float, half: float) -> Points:
    return _pts((-half, 0.8), (half, 0.8), (0.0, depth))


def _suit(pen: Pen, b: _Build, look: Look) -> None:
    pen.poly(_v_opening(2.05, 0.36), look.inner)
    if look.tie is not None:
        pen.poly(
            _pts((-0.07, 0.93), (0.07, 0.93), (0.05, 1.05), (-0.05, 1.05)), shade(look.tie, 0.85)
        )
        pen.poly(_pts((-0.05, 1.05), (0.05, 1.05), (0.1, 1.9), (0.0, 2.02), (-0.1, 1.9)), look.tie)
    lapel = shade(look.top, 0.82)
    for side in (-1, 1):
        pen.poly(
            _pts(
                (side * 0.36, 0.8),
                (side * 0.14, 1.1),
                (side * 0.34, 1.25),
                (side * 0.06, 2.1),
                (side * 0.02, 2.1),
                (side * 0.28, 1.3),
                (side * 0.2, 1.1),
            ),
            lapel,
        )
        pen.poly(
            _pts((side * 0.2, 0.78), (side * 0.06, 0.95), (side * 0.16, 1.0)),
            shade(look.inner, 0.92),
        )
    for y in (2.3, 2.62):
        pen.ellipse(0.04, y, 0.04, 0.04, shade(look.top, 0.55))


def _jacket(pen: Pen, look: Look) -> None:
    pen.poly(_pts((-0.3, 0.8), (0.3, 0.8), (0.18, 3.4), (-0.18, 3.4)), look.inner)
    edge = shade(look.top, 0.7)
    for side in (-1, 1):
        pen.poly(
            _pts((side * 0.3, 0.8), (side * 0.48, 0.72), (side * 0.5, 1.3), (side * 0.2, 1.6)),
            shade(look.top, 0.88),
        )
        pen.line(_pts((side * 0.26, 1.4), (side * 0.18, 3.4)), edge, 0.03)


def _hoodie(pen: Pen, b: _Build, look: Look) -> None:
    dark = shade(look.top, 0.78)
    pen.poly(_pts((-0.62, 3.0), (0.62, 3.0), (0.5, 2.3), (-0.5, 2.3)), dark)
    pen.poly(_pts((-0.58, 2.98), (0.58, 2.98), (0.48, 2.36), (-0.48, 2.36)), shade(look.top, 0.92))
    for side in (-1, 1):
        pen.line(_pts((side * 0.12, 1.0), (side * 0.14, 1.72)), (236, 236, 230), 0.03)


def _collar(pen: Pen, b: _Build, look: Look) -> None:
    g = look.garment
    if g in ("suit", "blazer"):
        _suit(pen, b, look)
    elif g == "jacket":
        _jacket(pen, look)
    elif g == "shirt":
        pen.poly(_v_opening(1.25, 0.2), shade(look.skin, 0.9))
        for side in (-1, 1):
            pen.poly(
                _pts((side * 0.05, 0.9), (side * 0.3, 0.74), (side * 0.36, 1.15)),
                shade(look.top, 1.12),
            )
        pen.line(_pts((0.0, 1.25), (0.0, 3.4)), shade(look.top, 0.86), 0.02)
        for y in (1.6, 2.1, 2.6, 3.1):
            pen.ellipse(0.0, y, 0.028, 0.028, shade(look.top, 1.2))
    elif g == "dress":
        pen.poly(bezier((-0.4, 0.82), (0.0, 1.55), (0.4, 0.82), 10), shade(look.skin, 0.92))
    elif g == "hoodie":
        _hoodie(pen, b, look)
    else:
        rib = shade(look.top, 0.82)
        pen.band((-b.neck - 0.12, 0.82), (0.0, 1.12), (b.neck + 0.12, 0.82), 0.09, rib, taper=0.0)
    if g == "sweater":
        pen.poly(
            _pts((-b.hip, 3.2), (b.hip, 3.2), (b.hip, 3.42), (-b.hip, 3.42)), shade(look.top, 0.84)
        )


def _skirt(pen: Pen, look: Look, light: int) -> None:
    skirt = _pts((-0.62, 2.7), (0.62, 2.7), (1.02, 4.8), (-1.02, 4.8))
    pen.shaded(skirt, look.top, light, rim=True)
    for x in (-0.5, 0.0, 0.5):
        pen.line(_pts((x * 0.4, 2.9), (x * 1.1, 4.75)), shade(look.top, 0.85), 0.02)


def _neckwear(pen: Pen, b: _Build, look: Look) -> None:
    if look.necklace is not None:
        pen.line(
            bezier((-b.neck - 0.05, 0.82), (0.0, 1.35), (b.neck + 0.05, 0.82), 12),
            look.necklace,
            0.022,
        )
        pen.ellipse(0.0, 1.1, 0.045, 0.055, look.necklace)
    if look.scarf is not None:
        band = _pts(
            (-b.neck - 0.2, 0.7), (b.neck + 0.2, 0.7), (b.neck + 0.26, 1.08), (-b.neck - 0.26, 1.08)
        )
        pen.poly(band, look.scarf)
        pen.poly(_pts((0.05, 1.0), (0.3, 1.0), (0.34, 2.2), (0.1, 2.2)), shade(look.scarf, 0.85))
        for y in (2.05, 2.12):
            pen.line(_pts((0.1, y), (0.34, y)), shade(look.scarf, 1.25), 0.02)


def paint_body(pen: Pen, look: Look, light: int, bottom: float) -> None:
    """Draw legs, torso, arms, neck and neckwear, skipping what lies below ``bottom``.

    ``bottom`` is the canvas's lower edge in figure units; shapes wholly past it are not
    built at all, which matters for close-ups and half-body shots.
    """
    b = _Build(look.woman)
    show_legs = bottom > 3.3
    if show_legs:
        _legs(pen, look, light)
        if look.garment == "dress":
            _skirt(pen, look, light)
    if look.garment == "hoodie":
        hood = bezier((-b.shoulder + 0.2, 0.95), (0.0, -0.2), (b.shoulder - 0.2, 0.95), 14)
        pen.poly(hood, shade(look.top, 0.7), rim=True)
    _neck(pen, b, look)
    # Arms go first so the torso's shoulder line covers where they join.
    _arms(pen, b, look, light, bottom)
    pen.shaded(_torso(b), look.top, light, depth=0.76)
    if show_legs and look.garment not in ("dress", "suit", "blazer", "jacket"):
        pen.poly(
            _pts((-b.hip, 3.3), (b.hip, 3.3), (b.hip, 3.4), (-b.hip, 3.4)),
            mix(look.trousers, (20, 20, 20), 0.5),
        )
    _collar(pen, b, look)
    _neckwear(pen, b, look)
