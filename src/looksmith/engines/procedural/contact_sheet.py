"""A labelled grid of styles by poses, to show at a glance what the engine draws."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from looksmith.domain.specs import Age, Ethnicity, Gender, Orientation, PhotoSpec, Pose, Style
from looksmith.engines.procedural.engine import ProceduralEngine

STYLES = (Style.REALISTIC, Style.PIXAR, Style.CINEMATIC, Style.VINTAGE, Style.NOIR, Style.CYBERPUNK)
POSES = (Pose.CLOSE_UP, Pose.HALF_BODY, Pose.FULL_BODY)

# One person per cell, chosen so the sheet spans ages, genders, ethnicities and outfits.
_PEOPLE: tuple[tuple[Age, Gender, Ethnicity, str], ...] = (
    (Age.YOUNG_ADULT, Gender.WOMAN, Ethnicity.EAST_ASIAN, "red hoodie"),
    (Age.EARLY_MIDDLE_AGE, Gender.MAN, Ethnicity.BLACK, "navy suit with a yellow tie"),
    (Age.SENIOR, Gender.WOMAN, Ethnicity.WHITE, "green sweater and glasses"),
    (Age.LATE_MIDDLE_AGE, Gender.MAN, Ethnicity.SOUTH_ASIAN, "white shirt"),
    (Age.YOUNG_ADULT, Gender.MAN, Ethnicity.HISPANIC, "black jacket, cap"),
    (Age.EARLY_MIDDLE_AGE, Gender.WOMAN, Ethnicity.MIDDLE_EASTERN, "purple dress, earrings"),
    (Age.SENIOR, Gender.MAN, Ethnicity.EAST_ASIAN, "grey blazer, beard"),
    (Age.YOUNG_ADULT, Gender.WOMAN, Ethnicity.BLACK, "yellow t-shirt"),
    (Age.LATE_MIDDLE_AGE, Gender.WOMAN, Ethnicity.PACIFIC, "teal blouse, necklace"),
)

_LABEL = 22
_BG = (250, 250, 248)
_INK = (40, 40, 44)


def _cell_spec(row: int, col: int) -> PhotoSpec:
    age, gender, ethnicity, appearance = _PEOPLE[(row * len(POSES) + col * 2 + row) % len(_PEOPLE)]
    return PhotoSpec(
        age=age,
        gender=gender,
        ethnicity=ethnicity,
        orientation=Orientation.SQUARE,
        pose=POSES[col],
        style=STYLES[row],
        appearance=appearance,
    )


def contact_sheet(engine: ProceduralEngine, *, seed: int = 7, thumb: int = 256) -> bytes:
    """Render the six named styles by the three poses and return the sheet as PNG bytes."""
    left = 96
    width = left + thumb * len(POSES)
    height = _LABEL + (thumb + _LABEL) * len(STYLES)
    sheet = Image.new("RGB", (width, height), _BG)
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default()
    for col, pose in enumerate(POSES):
        draw.text((left + col * thumb + 6, 5), pose.value, fill=_INK, font=font)
    for row, style in enumerate(STYLES):
        top = _LABEL + row * (thumb + _LABEL)
        draw.text((6, top + thumb // 2 - 6), style.value, fill=_INK, font=font)
        for col in range(len(POSES)):
            spec = _cell_spec(row, col)
            rendered = engine.render_photo(spec, seed=seed + row * 7 + col, variant=(row + col) % 4)
            with Image.open(io.BytesIO(rendered.data)) as picture:
                cell = picture.convert("RGB").resize((thumb, thumb), Image.Resampling.LANCZOS)
            sheet.paste(cell, (left + col * thumb, top))
            caption = f"{spec.age.value}, {spec.gender.value}, {spec.ethnicity.value}"
            draw.text((left + col * thumb + 4, top + thumb + 4), caption[:40], fill=_INK, font=font)
    out = io.BytesIO()
    sheet.save(out, "PNG", optimize=True)
    return out.getvalue()
