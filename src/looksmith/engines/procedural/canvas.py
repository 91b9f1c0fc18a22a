"""A palette canvas and a pen that draws shapes given in figure units onto it."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from looksmith.engines.procedural.colors import RGB, shade

Points = NDArray[np.float64]


GreyInk = Callable[[RGB], int]


class Canvas:
    """An 8-bit image drawn with palette indices, or with final grey levels for mono styles.

    Drawing one byte per pixel keeps fills cheap, and lets a colour style grade 256 palette
    entries instead of a million pixels; a mono style grades each colour as it is inked.
    """

    def __init__(self, size: tuple[int, int], grey: GreyInk | None = None) -> None:
        self.size = size
        self.grey = grey
        self.image = Image.new("L", size, 0)  # the backdrop replaces it; tiny next to it
        self.draw = ImageDraw.Draw(self.image)
        self._colours: list[RGB] = []
        self._index: dict[RGB, int] = {}

    def set_image(self, image: Image.Image) -> None:
        """Replace the pixels wholesale, as the backdrop does with its gradient."""
        self.image = image
        self.draw = ImageDraw.Draw(image)

    def ramp(self, stops: list[RGB], n: int, knots: tuple[float, ...] | None = None) -> list[int]:
        """Inks for ``n`` colours blending through ``stops`` placed at ``knots`` (0..1)."""
        if knots is None:
            knots = tuple(np.linspace(0.0, 1.0, len(stops)).tolist())
        pos = np.linspace(0.0, 1.0, n)
        table = np.asarray(stops, dtype=np.float64)
        channels = [np.interp(pos, knots, table[:, c]) for c in range(3)]
        rows: list[list[int]] = np.rint(np.stack(channels, axis=1)).astype(int).tolist()
        if self.grey is not None:
            return [self.ink((r, g, b)) for r, g, b in rows]
        base = len(self._colours)
        self._colours.extend((r, g, b) for r, g, b in rows)
        return list(range(base, len(self._colours)))

    def ink(self, rgb: RGB) -> int:
        """The byte to draw ``rgb`` with, allocating a palette entry on first use."""
        found = self._index.get(rgb)
        if found is not None:
            return found
        if self.grey is not None:
            value = self.grey(rgb)
        elif len(self._colours) >= 256:
            return self._nearest(rgb)
        else:
            value = len(self._colours)
            self._colours.append(rgb)
        self._index[rgb] = value
        return value

    def _nearest(self, rgb: RGB) -> int:
        # Only reached by very busy pictures; a near colour beats failing the render.
        table = np.asarray(self._colours, dtype=np.int32)
        dist = ((table - np.asarray(rgb, dtype=np.int32)) ** 2).sum(axis=1)
        return int(dist.argmin())

    def palette(self) -> NDArray[np.float64]:
        """All 256 entries as floats, unused ones black."""
        table = np.zeros((256, 3), dtype=np.float64)
        if self._colours:
            table[: len(self._colours)] = np.asarray(self._colours, dtype=np.float64)
        return table


def _basis(n: int) -> tuple[Points, Points]:
    t = np.linspace(0.0, 1.0, n)[:, None]
    value = np.hstack([(1 - t) ** 2, 2 * (1 - t) * t, t**2])
    slope = np.hstack([-2 * (1 - t), 2 - 4 * t, 2 * t])
    value.flags.writeable = False
    slope.flags.writeable = False
    return value, slope


def _circle(n: int) -> Points:
    ang = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
    unit = np.stack([np.cos(ang), np.sin(ang)], axis=1)
    unit.flags.writeable = False
    return unit


# Read-only tables computed at import: curves and circles reuse them instead of
# recomputing sines per shape, which dominated the Python side of a render.
_BASIS = {n: _basis(n) for n in range(2, 33)}
_TURN = np.array([-1.0, 1.0])
_TAPER_T = np.sin(np.pi * np.linspace(0.0, 1.0, 12))[:, None]
_TAPER = {k: 1 - k / 20 + (k / 20) * _TAPER_T for k in range(21)}
_CIRCLES = {n: _circle(n) for n in range(8, 97)}


def bezier(
    p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float], n: int = 12
) -> Points:
    """Points along the quadratic curve from ``p0`` to ``p2`` pulled towards ``p1``."""
    out: Points = _BASIS[n][0] @ np.array([p0, p1, p2], dtype=np.float64)
    return out


def ellipse_points(cx: float, cy: float, rx: float, ry: float, n: int = 40) -> Points:
    """An ellipse outline as ``n`` points (8 to 96)."""
    out: Points = _CIRCLES[n] * (rx, ry) + (cx, cy)
    return out


class Pen:
    """Maps figure units (head height 1) to pixels through an affine transform and draws."""

    def __init__(
        self,
        canvas: Canvas,
        matrix: NDArray[np.float64],
        offset: NDArray[np.float64],
        rim: tuple[RGB, RGB] | None = None,
    ) -> None:
        self.canvas = canvas
        self.matrix = matrix
        self.offset = offset
        self.rim = rim
        self._mt = matrix.T.copy()
        self.scale = math.sqrt(abs(float(np.linalg.det(matrix))))

    @classmethod
    def at(
        cls,
        canvas: Canvas,
        origin: tuple[float, float],
        scale: float,
        rim: tuple[RGB, RGB] | None = None,
    ) -> Pen:
        """A pen whose local (0, 0) lands on ``origin`` with ``scale`` pixels per unit."""
        return cls(canvas, np.eye(2) * scale, np.asarray(origin, dtype=np.float64), rim)

    def rotated(self, degrees: float, pivot: tuple[float, float]) -> Pen:
        """A pen turned by ``degrees`` around the local point ``pivot``."""
        a = math.radians(degrees)
        rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        p = np.asarray(pivot, dtype=np.float64)
        matrix = self.matrix @ rot
        offset = self.matrix @ p + self.offset - matrix @ p
        return Pen(self.canvas, matrix, offset, self.rim)

    def _flat(self, pts: Points) -> list[float]:
        out: list[float] = (pts @ self._mt + self.offset).ravel().tolist()
        return out

    def poly(self, pts: Points, rgb: RGB, *, rim: bool = False) -> None:
        """Fill a polygon; with ``rim`` a neon/light edge is laid down behind it first."""
        if rim and self.rim is not None:
            width = max(2.0, 0.025 * self.scale)
            for colour, dx in ((self.rim[0], -width), (self.rim[1], width)):
                self.canvas.draw.polygon(
                    self._flat(pts + np.array([dx / self.scale, 0.0])), fill=self.canvas.ink(colour)
                )
        self.canvas.draw.polygon(self._flat(pts), fill=self.canvas.ink(rgb))

    def ellipse(
        self, cx: float, cy: float, rx: float, ry: float, rgb: RGB, *, rim: bool = False
    ) -> None:
        """Fill an ellipse given by centre and radii."""
        # Pillow fills polygons scanline by scanline over every edge, so vertices cost;
        # this many keeps the flat sides under a pixel off the true curve.
        n = int(min(64, max(10, 2.6 * math.sqrt(max(rx, ry) * self.scale))))
        self.poly(ellipse_points(cx, cy, rx, ry, n), rgb, rim=rim)

    def line(self, pts: Points, rgb: RGB, width: float) -> None:
        """Stroke a polyline ``width`` units wide."""
        px = max(1, round(width * self.scale))
        self.canvas.draw.line(self._flat(pts), fill=self.canvas.ink(rgb), width=px)

    def band(
        self,
        p0: tuple[float, float],
        p1: tuple[float, float],
        p2: tuple[float, float],
        width: float,
        rgb: RGB,
        *,
        taper: float = 0.7,
    ) -> None:
        """A curved stroke that thins towards both ends, for brows, lids, lips and lines."""
        value, slope = _BASIS[12]
        ctrl = np.array([p0, p1, p2], dtype=np.float64)
        curve = value @ ctrl
        tangent = slope @ ctrl
        scale = (
            (0.5 * width)
            * _TAPER[round(taper * 20)]
            / (np.hypot(tangent[:, :1], tangent[:, 1:]) + 1e-9)
        )
        # The normal is the tangent turned a quarter: (-ty, tx).
        offset = tangent[:, ::-1] * scale * _TURN
        self.poly(np.concatenate([curve + offset, (curve - offset)[::-1]]), rgb)

    def shaded(
        self,
        pts: Points,
        rgb: RGB,
        light: int,
        *,
        rim: bool = False,
        depth: float = 0.8,
        soft: bool = False,
    ) -> None:
        """Fill with the side away from ``light`` (+1: from the right) in shadow.

        ``soft`` adds a middle step, worth its cost on faces; bodies make do with two tones.
        """
        cx = float(pts[:, 0].mean())
        self.poly(pts, shade(rgb, depth), rim=rim)
        away = (pts[:, 0] - cx) * light < 0
        steps = ((0.9, (1 + depth) / 2), (0.74, 1.0)) if soft else ((0.8, 1.0),)
        for squeeze, k in steps:
            inner = pts.copy()
            inner[away, 0] = cx + (inner[away, 0] - cx) * squeeze
            self.poly(inner, shade(rgb, k))
