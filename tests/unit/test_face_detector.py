"""The face check's detector: the res10 CNN from package data, with Haar only as a fallback."""

from __future__ import annotations

import logging
import threading
from functools import cache

import cv2
import numpy as np
import pytest
from PIL import Image
from skimage import data

from looksmith.domain.specs import FaceBox
from looksmith.engines.procedural.eyes import find_eyes
from looksmith.faces import detector as detector_module
from looksmith.faces.detector import HaarFaceDetector, build_face_detector
from looksmith.faces.ssd import SsdFaceDetector, shared_net
from looksmith.services.groups import MULTIPLE_FACES, NO_FACE, the_one_face
from tests.support.photos import astronaut_jpeg, coffee_jpeg, encode

# Where the astronaut's eyes are in the 512-pixel photo (the eye cascade's centres, by hand).
ASTRONAUT_EYES = ((203, 101), (247, 104))


def rotated(picture: np.ndarray, degrees: float) -> np.ndarray:
    height, width = picture.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(picture, matrix, (width, height), borderMode=cv2.BORDER_REFLECT)


def two_people() -> bytes:
    """The astronaut beside her mirror image: two faces of the same size."""
    astronaut = data.astronaut()
    return encode(Image.fromarray(np.hstack([astronaut, astronaut[:, ::-1]])))


@cache
def detector() -> SsdFaceDetector:
    built = build_face_detector()
    assert isinstance(built, SsdFaceDetector), "the model files did not load from package data"
    return built


@pytest.mark.parametrize(
    "photo",
    [
        pytest.param(lambda: encode(Image.fromarray(data.camera())), id="grey cameraman"),
        pytest.param(lambda: encode(Image.fromarray(rotated(data.astronaut(), 30))), id="+30"),
        pytest.param(lambda: encode(Image.fromarray(rotated(data.astronaut(), -30))), id="-30"),
    ],
)
def test_finds_the_faces_the_haar_cascade_misses(photo):
    picture = photo()
    assert HaarFaceDetector().find_faces(picture) == []  # why the detector was replaced
    assert len(detector().find_faces(picture)) == 1


@pytest.mark.parametrize(
    "photo",
    [
        pytest.param(lambda: encode(Image.fromarray(data.chelsea())), id="cat"),
        pytest.param(lambda: encode(Image.fromarray(rotated(data.chelsea(), 15))), id="cat +15"),
        pytest.param(lambda: encode(Image.fromarray(data.clock())), id="clock"),
        pytest.param(coffee_jpeg, id="coffee"),
    ],
)
def test_finds_no_face_in_a_cat_a_clock_or_a_coffee(photo):
    assert detector().find_faces(photo()) == []


def test_the_astronauts_face_box_holds_her_eyes_and_chin():
    [face] = detector().find_faces(astronaut_jpeg())
    for x, y in ASTRONAUT_EYES:
        assert face.x < x < face.x + face.width
        assert face.y + 0.25 * face.height < y < face.y + 0.5 * face.height
    assert 1.05 < face.height / face.width < 1.6


def test_blinks_find_the_astronauts_eyes_in_the_detected_box():
    [face] = detector().find_faces(astronaut_jpeg())
    found = find_eyes(np.asarray(data.astronaut()), face)
    # The eye cascade inside the box, and the usual proportions when it finds nothing.
    no_cascade = find_eyes(np.zeros_like(data.astronaut()), face)
    for eyes in (found, no_cascade):
        assert len(eyes) == 2
        for (ex, ey, _, _), (x, y) in zip(eyes, ASTRONAUT_EYES, strict=True):
            assert abs(ex - x) <= 0.08 * face.width and abs(ey - y) <= 0.08 * face.height


def test_two_people_side_by_side_are_two_faces_of_similar_size():
    faces = detector().find_faces(two_people())
    assert len(faces) == 2
    assert the_one_face(faces) == (None, MULTIPLE_FACES)


def test_one_face_is_the_person_a_small_face_behind_is_not_a_second():
    big, small = FaceBox(0, 0, 100, 120), FaceBox(200, 0, 50, 60)
    assert the_one_face([big, small]) == (big, None)
    assert the_one_face([big, FaceBox(200, 0, 80, 96)]) == (None, MULTIPLE_FACES)
    assert the_one_face([]) == (None, NO_FACE)


def test_the_network_loads_from_package_data_once_per_process():
    assert shared_net() is shared_net()
    assert build_face_detector()._net is detector()._net  # type: ignore[attr-defined]


def test_threads_share_the_network_and_get_the_same_answers():
    photos = [astronaut_jpeg(), two_people(), coffee_jpeg()] * 3
    expected = [detector().find_faces(p) for p in photos]
    answers: list[list[FaceBox] | None] = [None] * len(photos)

    def check(i: int) -> None:
        answers[i] = detector().find_faces(photos[i])

    threads = [threading.Thread(target=check, args=(i,)) for i in range(len(photos))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == expected


def test_falls_back_to_haar_and_says_so_once_when_the_model_cannot_load(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    def missing() -> None:
        raise OSError("test: no res10 files here")

    monkeypatch.setattr(detector_module, "shared_net", missing)
    with caplog.at_level(logging.WARNING, logger=detector_module.__name__):
        first, second = build_face_detector(), build_face_detector()
    assert isinstance(first, HaarFaceDetector) and isinstance(second, HaarFaceDetector)
    assert [r.getMessage() for r in caplog.records if "Haar" in r.getMessage()] == [
        "face model files could not be loaded (OSError('test: no res10 files here')); "
        "using the Haar cascade"
    ]
    assert first.find_face(astronaut_jpeg()) is not None


def test_a_long_thin_photo_is_shrunk_before_it_is_letterboxed(monkeypatch):
    # Padding first would allocate a square of the long side: 4.8 GB for this 40000x1000 upload.
    padded: list[tuple[int, ...]] = []
    pad = cv2.copyMakeBorder

    def recording(image, *args, **kwargs):
        padded.append(image.shape)
        return pad(image, *args, **kwargs)

    monkeypatch.setattr(cv2, "copyMakeBorder", recording)
    strip = Image.new("RGB", (40_000, 1_000), (128, 128, 128))
    assert detector().find_faces(encode(strip, "PNG")) == []
    assert padded, "the photo was never letterboxed"
    assert all(max(shape[:2]) <= 450 for shape in padded)


def test_a_face_in_a_wide_photo_keeps_its_place():
    wide = np.hstack([data.astronaut(), np.full((512, 1024, 3), 200, np.uint8)])
    found = detector().find_faces(encode(Image.fromarray(wide)))
    alone = detector().find_faces(astronaut_jpeg())
    assert len(found) == len(alone) == 1
    assert abs(found[0].x - alone[0].x) <= 8
    assert abs(found[0].y - alone[0].y) <= 8
