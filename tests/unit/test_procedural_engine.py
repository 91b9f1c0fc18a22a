"""The procedural engine: determinism, sizes, style grading, framing and the appearance parser."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from looksmith.domain.specs import (
    APPEARANCE_MAX_LENGTH,
    Age,
    Ethnicity,
    Gender,
    Orientation,
    PhotoSpec,
    Pose,
    Style,
)
from looksmith.engines.procedural import ProceduralEngine
from looksmith.engines.procedural.appearance import parse_appearance
from looksmith.engines.procedural.colors import SKIN_TONES

ENGINE = ProceduralEngine()


def make_spec(**overrides: object) -> PhotoSpec:
    fields: dict[str, object] = {
        "age": Age.YOUNG_ADULT,
        "gender": Gender.WOMAN,
        "ethnicity": Ethnicity.WHITE,
        "orientation": Orientation.SQUARE,
        "pose": Pose.HALF_BODY,
        "style": Style.REALISTIC,
        "appearance": "",
    }
    fields.update(overrides)
    return PhotoSpec(**fields)  # type: ignore[arg-type]


def pixels(spec: PhotoSpec, seed: int = 3, variant: int = 0) -> np.ndarray:
    data = ENGINE.render_photo(spec, seed=seed, variant=variant).data
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def test_engine_is_named_procedural() -> None:
    assert ENGINE.name == "procedural"


def test_same_inputs_give_identical_bytes() -> None:
    spec = make_spec(appearance="blue suit with yellow tie")
    first = ENGINE.render_photo(spec, seed=42, variant=2)
    again = ProceduralEngine().render_photo(spec, seed=42, variant=2)
    assert first.data == again.data


def test_seed_changes_the_picture() -> None:
    spec = make_spec()
    assert (
        ENGINE.render_photo(spec, seed=1, variant=0).data
        != ENGINE.render_photo(spec, seed=2, variant=0).data
    )


def test_four_variants_are_pairwise_different() -> None:
    spec = make_spec(gender=Gender.MAN, ethnicity=Ethnicity.SOUTH_ASIAN)
    images = [pixels(spec, seed=9, variant=v) for v in range(4)]
    for a, b in itertools.combinations(images, 2):
        # Visibly different, not just a few bytes: a sizeable share of pixels moves.
        assert np.mean(np.abs(a - b).sum(axis=2) > 40) > 0.05


@pytest.mark.parametrize("orientation", list(Orientation))
def test_each_orientation_is_a_jpeg_of_its_size(orientation: Orientation) -> None:
    rendered = ENGINE.render_photo(make_spec(orientation=orientation), seed=5, variant=1)
    assert rendered.content_type == "image/jpeg"
    assert (rendered.width, rendered.height) == orientation.size
    with Image.open(io.BytesIO(rendered.data)) as image:
        assert image.format == "JPEG"
        assert image.size == orientation.size


def test_noir_is_grayscale() -> None:
    image = pixels(make_spec(style=Style.NOIR, appearance="red hoodie"))
    spread = image.max(axis=2) - image.min(axis=2)
    assert spread.mean() < 2
    assert np.percentile(spread, 99.9) <= 12


def test_vintage_is_warm() -> None:
    image = pixels(make_spec(style=Style.VINTAGE, appearance="blue shirt"))
    red, blue = image[..., 0].mean(), image[..., 2].mean()
    assert red > blue + 15


def test_cyberpunk_has_neon_magenta_and_cyan() -> None:
    image = pixels(make_spec(style=Style.CYBERPUNK))
    r, g, b = image[..., 0], image[..., 1], image[..., 2]
    magenta = (r > 180) & (b > 120) & (g < 110)
    cyan = (g > 170) & (b > 170) & (r < 110)
    assert magenta.mean() > 0.003
    assert cyan.mean() > 0.003


def skin_fraction(image: np.ndarray, ethnicity: Ethnicity) -> float:
    tones = np.array(SKIN_TONES[ethnicity], dtype=np.int16)
    # The face is drawn in its tone and in two softer shadow steps of it.
    tones = np.concatenate(
        [tones, (tones * 0.93).astype(np.int16), (tones * 0.86).astype(np.int16)]
    )
    distance = np.abs(image[:, :, None, :] - tones[None, None, :, :]).sum(axis=3).min(axis=2)
    return float(np.mean(distance < 36))


def test_close_up_shows_more_face_than_full_body() -> None:
    base = {"ethnicity": Ethnicity.BLACK, "appearance": "blue shirt", "style": Style.REALISTIC}
    close = skin_fraction(pixels(make_spec(pose=Pose.CLOSE_UP, **base)), Ethnicity.BLACK)
    full = skin_fraction(pixels(make_spec(pose=Pose.FULL_BODY, **base)), Ethnicity.BLACK)
    assert close > 0.08
    assert close > 3 * full


def torso_mean(appearance: str) -> np.ndarray:
    image = pixels(make_spec(gender=Gender.MAN, appearance=appearance))
    # Left of the placket, below the collar, inside the torso at half-body framing.
    return image[760:880, 330:470].reshape(-1, 3).mean(axis=0)


def test_appearance_colour_reaches_the_torso() -> None:
    red = torso_mean("red shirt")
    blue = torso_mean("blue shirt")
    assert red[0] > red[2] + 40
    assert blue[2] > blue[0] + 40


def test_parser_red_hoodie() -> None:
    parsed = parse_appearance("red hoodie")
    assert parsed.garment == "hoodie"
    assert parsed.colour("top") == "red"


def test_parser_suit_with_tie() -> None:
    parsed = parse_appearance("blue suit with yellow tie")
    assert parsed.garment == "suit"
    assert parsed.colour("top") == "blue"
    assert parsed.colour("tie") == "yellow"
    assert "tie" in parsed.items


def test_parser_glasses_and_case() -> None:
    parsed = parse_appearance("Wearing GLASSES and a Navy Blazer")
    assert "glasses" in parsed.items
    assert parsed.garment == "blazer"
    assert parsed.colour("top") == "navy"


def test_parser_ignores_unknown_words() -> None:
    parsed = parse_appearance("a cheerful astronaut who loves jazz")
    assert parsed.garment is None
    assert parsed.items == frozenset()
    assert parsed.colours == {}


def test_parser_lone_colour_goes_to_main_garment() -> None:
    assert parse_appearance("dressed in green").colour("top") == "green"
    assert parse_appearance("purple, sweater").colour("top") == "purple"


def test_parser_hair_colour_and_inner_shirt() -> None:
    parsed = parse_appearance("blonde, white t-shirt under a black jacket, no beard")
    assert parsed.colour("hair") == "blonde"
    assert parsed.garment == "jacket"
    assert parsed.colour("top") == "black"
    assert parsed.colour("inner") == "white"
    assert "beard" not in parsed.items


def test_parser_modifiers_and_synonyms() -> None:
    parsed = parse_appearance("dark green sweater, gray scarf")
    assert parsed.colour("top") == "dark green"
    assert parsed.colour("scarf") == "grey"


def test_glasses_show_up() -> None:
    plain = pixels(make_spec(pose=Pose.CLOSE_UP, appearance="white shirt"))
    glasses = pixels(make_spec(pose=Pose.CLOSE_UP, appearance="white shirt, glasses"))
    assert np.mean(np.abs(plain - glasses).sum(axis=2) > 60) > 0.002


specs = st.builds(
    PhotoSpec,
    age=st.sampled_from(list(Age)),
    gender=st.sampled_from(list(Gender)),
    ethnicity=st.sampled_from(list(Ethnicity)),
    orientation=st.sampled_from(list(Orientation)),
    pose=st.sampled_from(list(Pose)),
    style=st.sampled_from(list(Style)),
    appearance=st.text(max_size=APPEARANCE_MAX_LENGTH),
)


@settings(max_examples=12, deadline=None)
@given(spec=specs, seed=st.integers(min_value=0, max_value=2**63 - 1), variant=st.integers(0, 3))
def test_any_valid_spec_renders_a_jpeg_of_the_right_size(
    spec: PhotoSpec, seed: int, variant: int
) -> None:
    rendered = ENGINE.render_photo(spec, seed=seed, variant=variant)
    with Image.open(io.BytesIO(rendered.data)) as image:
        image.load()
        assert image.format == "JPEG"
        assert image.size == spec.orientation.size


@pytest.mark.parametrize("orientation", list(Orientation))
def test_face_box_is_inside_and_grows_with_the_pose(orientation: Orientation) -> None:
    areas = {}
    for pose in Pose:
        rendered = ENGINE.render_photo(
            make_spec(orientation=orientation, pose=pose), seed=4, variant=2
        )
        box = rendered.face
        assert box is not None
        assert box.x >= 0 and box.x + box.width <= rendered.width
        assert box.y >= 0 and box.y + box.height <= rendered.height
        # A face is about as tall as it is wide, give or take the jaw and a tilt.
        assert 0.8 < box.height / box.width < 1.8
        areas[pose] = box.width * box.height
    assert areas[Pose.CLOSE_UP] > areas[Pose.HALF_BODY] > areas[Pose.FULL_BODY]
    assert areas[Pose.CLOSE_UP] > 6 * areas[Pose.FULL_BODY]


def test_face_box_covers_the_drawn_face() -> None:
    spec = make_spec(ethnicity=Ethnicity.BLACK, pose=Pose.CLOSE_UP, appearance="blue shirt")
    rendered = ENGINE.render_photo(spec, seed=3, variant=0)
    box = rendered.face
    assert box is not None
    image = pixels(spec)
    inside = image[box.y : box.y + box.height, box.x : box.x + box.width]
    assert skin_fraction(inside, Ethnicity.BLACK) > 0.4
