"""Training the procedural engine on a real face photo and rendering looks of that person."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from PIL import Image

from looksmith.domain.specs import FaceBox, LookSpec, Orientation, Pose, Style, TrainingPhoto
from looksmith.engines.procedural import ProceduralEngine
from looksmith.engines.procedural.identity import CROP_SIZE, read_identity

skimage_data = pytest.importorskip("skimage.data")

ENGINE = ProceduralEngine()
# Where OpenCV's frontal Haar cascade finds the astronaut's face.
ASTRONAUT_FACE = FaceBox(x=177, y=66, width=95, height=95)
CAT_FACE = FaceBox(x=140, y=40, width=170, height=150)


def encode(pixels: np.ndarray, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, fmt)
    return buffer.getvalue()


def decode(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.float64)


@pytest.fixture(scope="module")
def astronaut() -> bytes:
    return ENGINE.train([TrainingPhoto(encode(skimage_data.astronaut()), ASTRONAUT_FACE)], seed=1)


@pytest.fixture(scope="module")
def cat() -> bytes:
    return ENGINE.train([TrainingPhoto(encode(skimage_data.chelsea()), CAT_FACE)], seed=1)


def spec(**overrides: object) -> LookSpec:
    fields: dict[str, object] = {
        "prompt": "navy suit with red tie",
        "orientation": Orientation.SQUARE,
        "pose": Pose.HALF_BODY,
        "style": Style.REALISTIC,
    }
    fields.update(overrides)
    return LookSpec(**fields)  # type: ignore[arg-type]


def grey_patch(pixels: np.ndarray, box: FaceBox, size: int = 48) -> np.ndarray:
    """The face box as a small grey patch, zero mean and unit spread."""
    crop = Image.fromarray(pixels.astype(np.uint8)).crop(
        (box.x, box.y, box.x + box.width, box.y + box.height)
    )
    grey = np.asarray(crop.convert("L").resize((size, size)), dtype=np.float64)
    return (grey - grey.mean()) / (grey.std() + 1e-9)


def likeness(look: bytes, box: FaceBox) -> float:
    """Normalised cross-correlation of the look's face with the astronaut's face."""
    reference = grey_patch(skimage_data.astronaut().astype(np.float64), ASTRONAUT_FACE)
    return float((grey_patch(decode(look), box) * reference).mean())


def test_identity_reads_back_with_crop_and_colours(astronaut: bytes) -> None:
    identity = read_identity(astronaut)
    assert identity.crop.size == CROP_SIZE
    assert identity.crop.mode == "RGBA"
    r, g, b = identity.skin
    assert r > g > b  # a warm skin tone, not the grey wall or the orange suit's blue
    assert sum(identity.hair) < sum(identity.skin)
    alpha = np.asarray(identity.crop.getchannel("A"))
    assert alpha[CROP_SIZE[1] // 2, CROP_SIZE[0] // 2] == 255
    assert alpha[0, 0] == 0


def test_training_is_deterministic(astronaut: bytes) -> None:
    again = ProceduralEngine().train(
        [TrainingPhoto(encode(skimage_data.astronaut()), ASTRONAUT_FACE)], seed=1
    )
    assert again == astronaut


def test_training_accepts_several_photos_and_modes() -> None:
    photo = Image.fromarray(skimage_data.astronaut())
    small = photo.resize((300, 300))
    k = 300 / 512
    small_face = FaceBox(*(round(v * k) for v in (177, 66, 95, 95)))
    cropped = photo.crop((100, 20, 400, 300))
    photos = [
        TrainingPhoto(encode(np.asarray(photo.convert("L")), "JPEG"), ASTRONAUT_FACE),
        TrainingPhoto(encode(np.asarray(small.convert("RGBA"))), small_face),
        TrainingPhoto(encode(np.asarray(cropped)), FaceBox(77, 46, 95, 95)),
    ]
    identity = read_identity(ENGINE.train(photos, seed=0))
    assert identity.photos == 3
    # The sharp full-size colour photo wins over the small one for the crop.
    assert identity.crop.size == CROP_SIZE


def test_exif_rotation_is_applied() -> None:
    photo = Image.fromarray(skimage_data.astronaut()).rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored a quarter turn anticlockwise; viewers turn it back upright
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif)
    upright = ENGINE.train([TrainingPhoto(buffer.getvalue(), ASTRONAUT_FACE)], seed=0)
    look = ENGINE.render_look(upright, spec(), seed=3, variant=0)
    assert likeness(look.data, look.face or FaceBox(0, 0, 1, 1)) > 0.6


@pytest.mark.parametrize("bad", [b"", b"not an image", encode(np.zeros((320, 256, 3), np.uint8))])
def test_corrupt_identity_raises_value_error(bad: bytes) -> None:
    with pytest.raises(ValueError, match="identity"):
        read_identity(bad)
    with pytest.raises(ValueError, match="identity"):
        ENGINE.render_look(bad, spec(), seed=1, variant=0)


def test_truncated_identity_raises_value_error(astronaut: bytes) -> None:
    with pytest.raises(ValueError, match="identity"):
        read_identity(astronaut[: len(astronaut) // 2])


def test_unreadable_training_photo_raises_value_error() -> None:
    with pytest.raises(ValueError, match="training photo"):
        ENGINE.train([TrainingPhoto(b"garbage", ASTRONAUT_FACE)], seed=0)
    with pytest.raises(ValueError, match="at least one"):
        ENGINE.train([], seed=0)


@pytest.mark.parametrize("orientation", list(Orientation))
def test_each_orientation_decodes_at_its_size(astronaut: bytes, orientation: Orientation) -> None:
    look = ENGINE.render_look(astronaut, spec(orientation=orientation), seed=2, variant=1)
    assert look.content_type == "image/jpeg"
    assert (look.width, look.height) == orientation.size
    with Image.open(io.BytesIO(look.data)) as image:
        assert image.format == "JPEG"
        assert image.size == orientation.size
    box = look.face
    assert box is not None
    assert box.x >= 0 and box.x + box.width <= look.width
    assert box.y >= 0 and box.y + box.height <= look.height


def test_looks_are_deterministic(astronaut: bytes) -> None:
    first = ENGINE.render_look(astronaut, spec(), seed=5, variant=2)
    again = ProceduralEngine().render_look(astronaut, spec(), seed=5, variant=2)
    assert first == again


def test_four_variants_differ(astronaut: bytes) -> None:
    looks = [
        decode(ENGINE.render_look(astronaut, spec(), seed=4, variant=v).data) for v in range(4)
    ]
    for a, b in itertools.combinations(looks, 2):
        assert np.mean(np.abs(a - b).sum(axis=2) > 40) > 0.05


@pytest.mark.parametrize("pose", list(Pose))
def test_face_looks_like_the_trained_person(astronaut: bytes, cat: bytes, pose: Pose) -> None:
    own = ENGINE.render_look(astronaut, spec(pose=pose), seed=8, variant=0)
    other = ENGINE.render_look(cat, spec(pose=pose), seed=8, variant=0)
    assert own.face is not None and other.face is not None
    own_score, other_score = likeness(own.data, own.face), likeness(other.data, other.face)
    assert own_score > 0.6
    assert own_score > other_score + 0.4


def test_noir_look_is_grey_and_vintage_is_warm(astronaut: bytes) -> None:
    noir = decode(ENGINE.render_look(astronaut, spec(style=Style.NOIR), seed=1, variant=0).data)
    spread = noir.max(axis=2) - noir.min(axis=2)
    assert spread.mean() < 2
    vintage = decode(
        ENGINE.render_look(astronaut, spec(style=Style.VINTAGE), seed=1, variant=0).data
    )
    assert vintage[..., 0].mean() > vintage[..., 2].mean() + 15


def test_noir_greys_the_pasted_face(astronaut: bytes) -> None:
    look = ENGINE.render_look(
        astronaut, spec(style=Style.NOIR, pose=Pose.CLOSE_UP), seed=1, variant=0
    )
    assert look.face is not None
    box = look.face
    face = decode(look.data)[box.y : box.y + box.height, box.x : box.x + box.width]
    assert (face.max(axis=2) - face.min(axis=2)).mean() < 3


def test_face_box_grows_from_full_body_to_close_up(astronaut: bytes) -> None:
    sizes = {}
    for pose in Pose:
        face = ENGINE.render_look(astronaut, spec(pose=pose), seed=6, variant=3).face
        assert face is not None
        sizes[pose] = face.width * face.height
    assert sizes[Pose.CLOSE_UP] > sizes[Pose.HALF_BODY] > sizes[Pose.FULL_BODY]
    assert sizes[Pose.CLOSE_UP] > 6 * sizes[Pose.FULL_BODY]


def test_prompt_colours_the_outfit(astronaut: bytes) -> None:
    red = decode(ENGINE.render_look(astronaut, spec(prompt="red sweater"), seed=2, variant=0).data)
    blue = decode(
        ENGINE.render_look(astronaut, spec(prompt="blue sweater"), seed=2, variant=0).data
    )
    torso = (slice(800, 900), slice(330, 450))
    assert red[torso][..., 0].mean() > red[torso][..., 2].mean() + 40
    assert blue[torso][..., 2].mean() > blue[torso][..., 0].mean() + 40
