"""Hair in two layers (behind the head and over it) and headwear."""

from __future__ import annotations

import numpy as np

from looksmith.engines.procedural.canvas import Pen, Points, bezier, ellipse_points
from looksmith.engines.procedural.colors import mix, shade
from looksmith.engines.procedural.face import FaceGeo
from looksmith.engines.procedural.look import Look, Variation


def _arc(rx: float, ry: float, cy: float, start: float, end: float, n: int = 24) -> Points:
    ang = np.linspace(np.radians(start), np.radians(end), n)
    return np.stack([rx * np.cos(ang), cy + ry * np.sin(ang)], axis=1)


def _cloud(pen: Pen, look: Look, rx: float, ry: float, cy: float, puff: float) -> None:
    """Curly hair as overlapping puffs, darker ones first so the top catches the light."""
    for k, colour in ((1.0, shade(look.hair, 0.78)), (0.9, look.hair)):
        for x, y in _arc(rx * k, ry * k, cy, 160, 380, 13):
            pen.ellipse(float(x), float(y), puff * k, puff * k, colour)
    pen.ellipse(0.0, cy, rx * 0.95, ry * 0.9, look.hair)


def paint_hair_back(pen: Pen, geo: FaceGeo, look: Look, var: Variation) -> None:
    """The hair that sits behind the head and shoulders."""
    style, vol = look.hair_style, var.hair_volume
    back = shade(look.hair, 0.72)
    w = geo.rx + 0.1 * vol
    if style == "long":
        top = _arc(w, 0.6 * vol, -0.02, 180, 360)
        pen.poly(np.concatenate([top, [[w + 0.1, 1.55], [-w - 0.1, 1.55]]]), back, rim=True)
    elif style == "bob":
        top = _arc(w + 0.02, 0.6 * vol, -0.02, 180, 360)
        pen.poly(np.concatenate([top, [[w + 0.06, 0.55], [-w - 0.06, 0.55]]]), back, rim=True)
    elif style == "curly":
        big = 1.25 if look.woman else 1.0
        _cloud(
            pen,
            look,
            (geo.rx + 0.12) * big * vol,
            0.55 * big * vol,
            -0.08 if not look.woman else 0.05,
            0.14 * big,
        )
    elif style == "bun":
        pen.ellipse(0.0, -0.62, 0.17 * vol, 0.15 * vol, back, rim=True)


def _hairline(geo: FaceGeo, look: Look, var: Variation) -> Points:
    """The forehead edge of the hair, from the right temple to the left, with a parting."""
    rx, side = geo.rx, var.parting
    part = side * 0.12 + geo.shift
    drop = 0.0 if look.hair_style in ("bun", "buzz") else 0.06
    temple = 0.02 if not look.woman else -0.04
    right = bezier((rx * 1.02, temple + 0.06), (rx * 0.7, -0.32 + drop), (part, -0.3), 8)
    left = bezier(
        (part, -0.3), (-rx * 0.6, -0.26 + drop * 1.5 * side), (-rx * 1.02, temple + 0.06), 8
    )
    return np.concatenate([right, left])


def paint_hair_front(pen: Pen, geo: FaceGeo, look: Look, var: Variation) -> None:
    """The hair over the skull and forehead, and strands framing the face."""
    style, vol = look.hair_style, var.hair_volume
    if style == "bald":
        for side in (-1, 1):
            patch = ellipse_points(side * geo.rx * 0.97, -0.02, 0.07, 0.17, 16)
            pen.poly(patch, look.hair)
        return
    if style == "curly":
        if not look.woman:
            cap = np.concatenate(
                [_arc(geo.rx + 0.08, 0.62 * vol, -0.02, 185, 355), _hairline(geo, look, var)]
            )
            pen.poly(cap, look.hair)
        return
    lift = 0.06 * vol if style not in ("buzz", "bun") else 0.015
    outer = _arc(geo.rx + (0.04 if style != "buzz" else 0.012), 0.5 + lift, 0.0, 178, 362, 28)
    cap = np.concatenate([outer, _hairline(geo, look, var)])
    colour = look.hair if style != "buzz" else mix(look.hair, look.skin, 0.35)
    pen.shaded(cap, colour, geo.light, depth=0.86)
    if style in ("short", "side", "long", "bob"):
        sheen = shade(colour, 1.18)
        for k in (-1, 1):
            x0 = var.parting * 0.12 + geo.shift + k * 0.03
            pen.band((x0, -0.44), (x0 + k * 0.14, -0.46), (x0 + k * 0.26, -0.36), 0.03, sheen)
    if style in ("long", "bob"):
        _strands(pen, geo, look, 1.45 if style == "long" else 0.5)


def _strands(pen: Pen, geo: FaceGeo, look: Look, length: float) -> None:
    """Locks falling past the cheeks, in front of the ears and onto the shoulders."""
    for side in (-1, 1):
        x = side * (geo.rx + 0.05)
        lock = np.concatenate(
            [
                bezier(
                    (side * (geo.rx - 0.06), -0.3),
                    (side * (geo.rx - 0.12), 0.2),
                    (side * (geo.rx - 0.02), length * 0.55),
                    8,
                ),
                bezier(
                    (side * (geo.rx + 0.16), length * 0.6), (x + side * 0.14, 0.1), (x, -0.36), 8
                ),
            ]
        )
        pen.shaded(lock, look.hair, geo.light, depth=0.8)


def paint_hat(pen: Pen, geo: FaceGeo, look: Look) -> None:
    """A cap, beanie or brimmed hat sitting on the hair."""
    if look.hat is None:
        return
    c, rx = look.hat_colour, geo.rx
    if look.hat == "beanie":
        pen.poly(
            np.concatenate(
                [_arc(rx + 0.07, 0.66, -0.12, 180, 360), [[rx + 0.08, -0.12], [-rx - 0.08, -0.12]]]
            ),
            c,
        )
        pen.poly(
            np.array(
                [[-rx - 0.09, -0.26], [rx + 0.09, -0.26], [rx + 0.09, -0.1], [-rx - 0.09, -0.1]]
            ),
            shade(c, 0.82),
        )
        pen.ellipse(0.0, -0.8, 0.08, 0.07, shade(c, 1.2))
    elif look.hat == "cap":
        pen.poly(
            np.concatenate(
                [_arc(rx + 0.05, 0.52, -0.18, 180, 360), [[rx + 0.05, -0.18], [-rx - 0.05, -0.18]]]
            ),
            c,
        )
        pen.poly(
            np.concatenate(
                [
                    bezier((-rx - 0.02, -0.2), (geo.shift, -0.32), (rx + 0.02, -0.2), 10),
                    bezier((rx + 0.1, -0.16), (geo.shift * 2, -0.02), (-rx - 0.1, -0.16), 10),
                ]
            ),
            shade(c, 0.8),
        )
        pen.ellipse(0.0, -0.69, 0.035, 0.025, shade(c, 0.7))
    else:
        pen.ellipse(geo.shift * 0.5, -0.3, rx + 0.42, 0.11, shade(c, 0.8))
        crown = np.array(
            [[-rx - 0.02, -0.3], [-rx + 0.05, -0.82], [rx - 0.05, -0.82], [rx + 0.02, -0.3]]
        )
        pen.poly(crown, c)
        pen.poly(
            np.array(
                [[-rx - 0.02, -0.4], [rx + 0.02, -0.4], [rx + 0.02, -0.31], [-rx - 0.02, -0.31]]
            ),
            (30, 26, 24),
        )
