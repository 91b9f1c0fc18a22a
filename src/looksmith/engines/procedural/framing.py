"""Where the figure sits on the canvas and how large it is, per pose and orientation."""

from __future__ import annotations

from dataclasses import dataclass

from looksmith.domain.specs import Pose

# Figure units: head height 1, head centre at (0, 0); the hair top sits at about -0.62
# and the soles at 6.3.
FIGURE_TOP = -0.62
FIGURE_BOTTOM = 6.3


@dataclass(frozen=True, slots=True)
class Frame:
    """Pixel scale of one figure unit and the pixel position of the head centre."""

    scale: float
    head_x: float
    head_y: float
    floor_y: float


# Head height as a share of the canvas height, the most it may take of the width, and
# where the head centre sits as a share of the height.
_FRAMING: dict[Pose, tuple[float, float, float]] = {
    Pose.CLOSE_UP: (0.44, 0.56, 0.42),
    Pose.HALF_BODY: (0.27, 0.38, 0.26),
}


def frame_for(pose: Pose, size: tuple[int, int], shift: float) -> Frame:
    """Frame the figure; ``shift`` nudges it sideways by a fraction of the width."""
    width, height = size
    head_x = width * (0.5 + shift)
    if pose is Pose.FULL_BODY:
        scale = 0.86 * height / (FIGURE_BOTTOM - FIGURE_TOP)
        head_y = 0.065 * height - FIGURE_TOP * scale
        return Frame(scale, head_x, head_y, head_y + FIGURE_BOTTOM * scale)
    share, max_width, centre = _FRAMING[pose]
    scale = min(share * height, max_width * width)
    head_y = centre * height
    if pose is Pose.CLOSE_UP:
        # A narrow canvas shrinks the head: lift it so the top keeps a modest margin
        # and the shoulders fill the rest, but keep the chin clear of the bottom edge.
        head_y = min(head_y, 0.62 * scale + 0.12 * height, height - 1.45 * scale)
    return Frame(scale, head_x, head_y, head_y + FIGURE_BOTTOM * scale)
