"""The procedural engine: spec, seed and variant in, a JPEG portrait out."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image

from looksmith.domain.models import RenderedImage
from looksmith.domain.specs import FaceBox, LookSpec, PhotoSpec, TrainingPhoto
from looksmith.engines.procedural.appearance import parse_appearance
from looksmith.engines.procedural.background import paint_background
from looksmith.engines.procedural.body import paint_body
from looksmith.engines.procedural.canvas import Canvas, Pen
from looksmith.engines.procedural.facebox import oval_box
from looksmith.engines.procedural.framing import frame_for
from looksmith.engines.procedural.grading import finish, grey_ink
from looksmith.engines.procedural.head import (
    NECK_PIVOT,
    face_geo,
    paint_head,
    paint_head_back,
)
from looksmith.engines.procedural.identity import read_identity
from looksmith.engines.procedural.look import decide_look, decide_variation
from looksmith.engines.procedural.portrait import render_portrait
from looksmith.engines.procedural.seeding import stable_rng
from looksmith.engines.procedural.themes import THEMES
from looksmith.engines.procedural.training import train_identity

JPEG_QUALITY = 88

__all__ = ["JPEG_QUALITY", "ProceduralEngine", "render_image", "render_scene", "stable_rng"]


def render_image(spec: PhotoSpec, *, seed: int, variant: int) -> Image.Image:
    """Draw the picture as an RGB image, without encoding it."""
    return render_scene(spec, seed=seed, variant=variant)[0]


def render_scene(spec: PhotoSpec, *, seed: int, variant: int) -> tuple[Image.Image, FaceBox]:
    """Draw the picture as an RGB image, with the pixel box of the face oval."""
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
    geo = face_geo(look, var, theme.big_eyes)
    face = oval_box(body.rotated(var.tilt, NECK_PIVOT), (0.0, 0.0), geo.rx, geo.ry)
    return finish(canvas, spec.style, scene), face


class ProceduralEngine:
    """Draws illustrated portraits with Pillow primitives; same inputs, same bytes."""

    name = "procedural"

    def __init__(self, quality: int = JPEG_QUALITY) -> None:
        self._quality = quality

    def render_photo(self, spec: PhotoSpec, *, seed: int, variant: int) -> RenderedImage:
        """Render picture number ``variant`` of a generation as JPEG."""
        image, face = render_scene(spec, seed=seed, variant=variant)
        return self._encode(image, face)

    def render_photos(self, spec: PhotoSpec, *, seed: int, count: int) -> list[RenderedImage]:
        """Render pictures ``0 .. count-1`` of a generation, one after the other."""
        return [self.render_photo(spec, seed=seed, variant=i) for i in range(count)]

    def train(self, photos: Sequence[TrainingPhoto], *, seed: int) -> bytes:
        """Learn the person: the best face crop and its colours, as a PNG identity."""
        return train_identity(photos, seed=seed)

    def render_look(
        self, identity: bytes, spec: LookSpec, *, seed: int, variant: int
    ) -> RenderedImage:
        """Render look number ``variant`` of the trained person as JPEG."""
        image, face = render_portrait(read_identity(identity), spec, seed=seed, variant=variant)
        return self._encode(image, face)

    def render_looks(
        self, identity: bytes, spec: LookSpec, *, seed: int, count: int
    ) -> list[RenderedImage]:
        """Render looks ``0 .. count-1`` of the trained person, one after the other."""
        return [self.render_look(identity, spec, seed=seed, variant=i) for i in range(count)]

    def _encode(self, image: Image.Image, face: FaceBox) -> RenderedImage:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=self._quality)
        return RenderedImage(
            data=buffer.getvalue(),
            content_type="image/jpeg",
            width=image.width,
            height=image.height,
            face=face,
        )
