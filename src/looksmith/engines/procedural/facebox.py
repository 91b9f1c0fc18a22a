"""Pixel boxes of faces: where a drawn or pasted face ends up in the output picture."""

from __future__ import annotations

import math

from looksmith.domain.specs import FaceBox
from looksmith.engines.procedural.canvas import Pen


def clamped_box(
    left: float, top: float, right: float, bottom: float, size: tuple[int, int]
) -> FaceBox:
    """The box cut to the picture, at least one pixel each way."""
    width, height = size
    x0 = min(max(0, math.floor(left)), width - 1)
    y0 = min(max(0, math.floor(top)), height - 1)
    x1 = min(max(x0 + 1, math.ceil(right)), width)
    y1 = min(max(y0 + 1, math.ceil(bottom)), height)
    return FaceBox(x=x0, y=y0, width=x1 - x0, height=y1 - y0)


def oval_box(pen: Pen, centre: tuple[float, float], rx: float, ry: float) -> FaceBox:
    """The pixel box around an ellipse given in the pen's units, after its rotation."""
    m = pen.matrix
    cx = m[0, 0] * centre[0] + m[0, 1] * centre[1] + pen.offset[0]
    cy = m[1, 0] * centre[0] + m[1, 1] * centre[1] + pen.offset[1]
    # Half extents of an affinely mapped ellipse along the picture's axes.
    ex = math.hypot(m[0, 0] * rx, m[0, 1] * ry)
    ey = math.hypot(m[1, 0] * rx, m[1, 1] * ry)
    return clamped_box(cx - ex, cy - ey, cx + ex, cy + ey, pen.canvas.size)
