"""The procedural engine: spec, seed and variant in, a JPEG portrait out."""

from __future__ import annotations

import hashlib
import io

import numpy as np
from PIL import Image

from looksmith.domain.models import RenderedImage
from looksmith.domain.specs import PhotoSpec
from looksmith.engines.procedural.appearance import parse_appearance
from looksmith.engines.procedural.background import paint_background
from looksmith.engines.procedural.body import paint_body
from looksmith.engines.procedural.canvas import Canvas, Pen
from looksmith.engines.procedural.framing import frame_for
from looksmith.engines.procedural.grading import finish, grey_ink
from looksmith.engines.procedural.head import paint_head, paint_head_back
from looksmith.engines.procedural.look import Rng, decide_look, decide_variation
from looksmith.engines.procedural.themes import THEMES

JPEG_QUALITY = 88


def stable_rng(*parts: object) -> Rng:
    """A generator seeded from a SHA-256 of the parts, identical across processes."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "big"))


def render_image(spec: PhotoSpec, *, seed: int, variant: int) -> Image.Image:
    """Draw the picture as an RGB image, without encoding it."""
    person = stable_rng("person", seed, spec.appearance, spec.gender, spec.age, spec.ethnicity)
    look = decide_look(spec, parse_appearance(spec.appearance), person)
    offsets = tuple(int(k) for k in person.integers(0, 4, size=4))
    scene = stable_rng("variant", seed, variant, spec.appearance, spec.style, spec.pose)
    var = decide_variation(variant, offsets, scene)
    theme = THEMES[spec.style]
    canvas = Canvas(spec.orientation.size, grey_ink(spec.style))
    frame = frame_for(spec.pose, canvas.size, float(scene.uniform(-0.02, 0.02)))
    paint_background(canvas, theme, spec.style, var, frame, spec.pose, scene)
    rim = None
    if theme.rim is not None:
        rim = theme.rim if var.light > 0 else (theme.rim[1], theme.rim[0])
    pen = Pen.at(canvas, (frame.head_x, frame.head_y), frame.scale, rim=rim)
    body = pen.rotated(var.shoulder_tilt, (0.0, 3.4))
    paint_head_back(body, look, var, big_eyes=theme.big_eyes)
    # The canvas's lower edge in figure units, with room for the shoulder tilt.
    bottom = (canvas.size[1] - frame.head_y) / frame.scale + 0.2
    paint_body(body, look, var.light, bottom)
    paint_head(body, look, var, big_eyes=theme.big_eyes)
    return finish(canvas, spec.style, scene)


class ProceduralEngine:
    """Draws illustrated portraits with Pillow primitives; same inputs, same bytes."""

    name = "procedural"

    def __init__(self, quality: int = JPEG_QUALITY) -> None:
        self._quality = quality

    def render_photo(self, spec: PhotoSpec, *, seed: int, variant: int) -> RenderedImage:
        """Render picture number ``variant`` of a generation as JPEG."""
        image = render_image(spec, seed=seed, variant=variant)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=self._quality)
        return RenderedImage(
            data=buffer.getvalue(),
            content_type="image/jpeg",
            width=image.width,
            height=image.height,
        )
