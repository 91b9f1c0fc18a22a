"""Looks of a trained person: the procedural scene and outfit around the person's real face."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
from PIL import Image

from looksmith.domain.specs import Age, Ethnicity, FaceBox, Gender, LookSpec, PhotoSpec, Style
from looksmith.engines.procedural.appearance import parse_appearance
from looksmith.engines.procedural.background import paint_background
from looksmith.engines.procedural.body import paint_body
from looksmith.engines.procedural.canvas import Canvas, Pen
from looksmith.engines.procedural.colors import shade
from looksmith.engines.procedural.facebox import clamped_box
from looksmith.engines.procedural.framing import frame_for
from looksmith.engines.procedural.grading import (
    finish,
    grade_pixels,
    grey_ink,
    grey_pixels,
    letterbox,
)
from looksmith.engines.procedural.head import paint_head_back
from looksmith.engines.procedural.identity import Identity
from looksmith.engines.procedural.look import Look, Rng, Variation, decide_look, decide_variation
from looksmith.engines.procedural.seeding import stable_rng
from looksmith.engines.procedural.themes import THEMES

# The detector's box height (mean of its sides) in figure units, and where the eyes sit in
# it: a real head is then about 1.1 units from crown to chin, like the drawn one.
FACE_UNITS = 0.75
EYE_LINE = 0.36
_WOMAN_WORDS = re.compile(r"\b(woman|women|female|girl|lady|she|her|dress|gown|skirt)\b", re.I)
_MAN_WORDS = re.compile(r"\b(man|men|male|guy|boy|gentleman|he|his|tuxedo)\b", re.I)


@dataclasses.dataclass(frozen=True, slots=True)
class _Placement:
    """How this variant places the face: extra scale and a sideways nudge in figure units."""

    scale: float
    dx: float
    dy: float


def _gender(prompt: str, person: Rng) -> Gender:
    """The build to draw: from the prompt's words, else stable per identity."""
    woman, man = _WOMAN_WORDS.search(prompt), _MAN_WORDS.search(prompt)
    if woman and not man:
        return Gender.WOMAN
    if man and not woman:
        return Gender.MAN
    return Gender.WOMAN if person.random() < 0.5 else Gender.MAN


def _look(identity: Identity, spec: LookSpec, seed: int, person: Rng) -> Look:
    """The outfit from the prompt, the skin and hair colours from the identity."""
    photo = PhotoSpec(
        age=Age.EARLY_MIDDLE_AGE,
        gender=_gender(spec.prompt, person),
        ethnicity=Ethnicity.UNSPECIFIED,
        orientation=spec.orientation,
        pose=spec.pose,
        style=spec.style,
        appearance=spec.prompt,
    )
    appearance = parse_appearance(spec.prompt)
    look = decide_look(photo, appearance, stable_rng("look", identity.key, seed, spec.prompt))
    # The real face brings its own eyes, glasses and beard; only the outfit is drawn.
    return dataclasses.replace(
        look,
        skin=identity.skin,
        hair=identity.hair,
        hair_style=appearance.hair_style or "short",
        glasses=None,
        hat=None,
        facial_hair=None,
        earrings=None,
    )


def _paint_scene(
    canvas: Canvas, identity: Identity, spec: LookSpec, look: Look, var: Variation, scene: Rng
) -> Pen:
    """Backdrop, hair behind the head and the body; returns the pen the head hangs from."""
    theme = THEMES[spec.style]
    frame = frame_for(spec.pose, canvas.size, float(scene.uniform(-0.02, 0.02)))
    paint_background(canvas, theme, spec.style, var, frame, spec.pose, scene)
    rim = None
    if theme.rim is not None:
        rim = theme.rim if var.light > 0 else (theme.rim[1], theme.rim[0])
    pen = Pen.at(canvas, (frame.head_x, frame.head_y), frame.scale, rim=rim)
    body = pen.rotated(var.shoulder_tilt, (0.0, 3.4))
    paint_head_back(body, look, var, big_eyes=False)
    # A hair-coloured crown behind the photo, so the matte's soft edge fades into hair
    # rather than into the backdrop.
    body.ellipse(0.0, -0.2, 0.48, 0.46, shade(identity.hair, 0.9), rim=True)
    bottom = (canvas.size[1] - frame.head_y) / frame.scale + 0.2
    paint_body(body, look, var.light, bottom)
    return body


def _lit_face(identity: Identity, style: Style, light: int) -> Image.Image:
    """The crop lit from the variant's side and graded like the rest of the picture."""
    crop = identity.crop
    rgb = np.asarray(crop.convert("RGB"), dtype=np.float64)
    w = rgb.shape[1]
    # Brighter on the side the scene's light comes from, as the drawn body is shaded.
    gain = 1.0 + 0.09 * light * np.linspace(-1.0, 1.0, w)[None, :, None]
    pixels = (rgb * gain).reshape(-1, 3)
    if grey_ink(style) is not None:
        grey = grey_pixels(style, pixels).reshape(rgb.shape[:2])
        face = Image.fromarray(grey)
    else:
        graded = np.clip(np.rint(grade_pixels(style, pixels)), 0, 255).astype(np.uint8)
        face = Image.fromarray(graded.reshape(rgb.shape))
    face.putalpha(crop.getchannel("A"))
    return face


def _place(
    body: Pen, identity: Identity, place: _Placement, size: tuple[int, int]
) -> tuple[tuple[int, int], tuple[int, int], FaceBox]:
    """Pixel size and corner of the scaled crop, and the detector box where it lands."""
    box = identity.face
    s = (box.width + box.height) / 2
    k = body.scale * FACE_UNITS * place.scale / s
    crop_w, crop_h = identity.crop.size
    target = (max(1, round(crop_w * k)), max(1, round(crop_h * k)))
    anchor = body.matrix @ np.array([place.dx, place.dy]) + body.offset
    left = anchor[0] - (box.x + box.width / 2) * k
    top = anchor[1] - (box.y + EYE_LINE * box.height) * k
    corner = (round(left), round(top))
    face = clamped_box(
        corner[0] + box.x * k,
        corner[1] + box.y * k,
        corner[0] + (box.x + box.width) * k,
        corner[1] + (box.y + box.height) * k,
        size,
    )
    return target, corner, face


def render_portrait(
    identity: Identity, spec: LookSpec, *, seed: int, variant: int
) -> tuple[Image.Image, FaceBox]:
    """Draw look ``variant`` of the person as an RGB image, with where the face went."""
    person = stable_rng("identity", identity.key)
    offsets = tuple(int(k) for k in person.integers(0, 4, size=4))
    look = _look(identity, spec, seed, person)
    scene = stable_rng("look-variant", identity.key, seed, variant, spec)
    var = dataclasses.replace(decide_variation(variant, offsets, scene), turn=0.0, tilt=0.0)
    look = dataclasses.replace(look, top=shade(look.top, float(scene.uniform(0.86, 1.1))))
    place = _Placement(
        scale=float(scene.uniform(0.95, 1.05)),
        dx=float(scene.uniform(-0.03, 0.03)),
        dy=float(scene.uniform(-0.02, 0.02)),
    )
    canvas = Canvas(spec.orientation.size, grey_ink(spec.style))
    body = _paint_scene(canvas, identity, spec, look, var, scene)
    target, corner, face_box = _place(body, identity, place, canvas.size)
    face = _lit_face(identity, spec.style, var.light).resize(target, Image.Resampling.BICUBIC)
    alpha = face.getchannel("A")
    if canvas.grey is not None:
        # Mono styles: paste grey levels before the finish, so grain and toning cover the face.
        canvas.image.paste(face.getchannel("L"), corner, alpha)
        return finish(canvas, spec.style, scene), face_box
    picture = finish(canvas, spec.style, scene)
    picture.paste(face.convert("RGB"), corner, alpha)
    if spec.style is Style.CINEMATIC:
        letterbox(picture)
    return picture, face_box
