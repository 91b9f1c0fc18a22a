"""Face check: detection rate and false accepts of the Haar cascade and the res10 CNN.

The set is built from ``skimage.data`` only (nothing downloaded): faces (the astronaut, the
cameraman, the 100 LFW faces of ``lfw_subset``) and non-faces (the cat, coffee, rocket, Hubble,
coins, a clock, the moon, textures, text, the 100 LFW non-face patches), each photo also rotated
by ±15 and ±30 degrees, scaled to a half and a quarter, shrunk into a larger frame, cropped,
mirrored, darkened and turned grey. Every picture is JPEG-encoded, as clients upload them.
Then pairs of faces side by side, and faces with a small one in the background, for the
several-faces rule. Prints the tables of bench/RESULTS.md. Run by hand: ``python
bench/bench_faces.py`` (about a minute on one core; not part of ``make bench``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from skimage import data

from looksmith.domain.specs import FaceBox
from looksmith.engines.procedural.eyes import boxes_found
from looksmith.faces.detector import HaarFaceDetector
from looksmith.faces.ssd import SsdFaceDetector, shared_net
from looksmith.services.groups import SIMILAR_FACE_AREA

FACE_PHOTOS = ("astronaut", "camera")
OTHER_PHOTOS = (
    "chelsea", "coffee", "rocket", "hubble_deep_field", "coins", "clock", "moon", "horse",
    "page", "text", "brick", "grass", "gravel", "retina", "immunohistochemistry", "cell",
    "colorwheel", "logo",
)  # fmt: skip
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True, slots=True)
class Sample:
    """One encoded picture of the set."""

    name: str
    is_face: bool
    jpeg: bytes


def rgb(name: str) -> np.ndarray:
    """A ``skimage.data`` picture as 8-bit RGB."""
    picture = np.asarray(getattr(data, name)())
    if picture.ndim == 2:
        picture = np.stack([picture] * 3, axis=-1)
    return np.ascontiguousarray(picture[..., :3].astype(np.uint8))


def jpeg(picture: np.ndarray) -> bytes:
    """The picture as a JPEG file (grey pictures as one-channel JPEGs)."""
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def rotated(picture: np.ndarray, degrees: float) -> np.ndarray:
    """Turned about its centre, the corners filled by reflection."""
    height, width = picture.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(picture, matrix, (width, height), borderMode=cv2.BORDER_REFLECT)


def variants(picture: np.ndarray) -> Iterator[tuple[str, np.ndarray]]:
    """The picture and its rotated, scaled, framed, cropped, mirrored, dark and grey forms."""
    height, width = picture.shape[:2]
    yield "as is", picture
    for degrees in (15, -15, 30, -30):
        yield f"rotated {degrees:+d}", rotated(picture, degrees)
    for factor, label in ((2, "half size"), (4, "quarter size")):
        size = (width // factor, height // factor)
        yield label, cv2.resize(picture, size, interpolation=cv2.INTER_AREA)
    small = cv2.resize(picture, (width // 3, height // 3), interpolation=cv2.INTER_AREA)
    framed = np.full_like(picture, 110)
    framed[height // 3 : height // 3 + small.shape[0], width // 2 : width // 2 + small.shape[1]] = (
        small
    )
    yield "small in frame", framed
    yield "cropped", picture[: height * 2 // 3, width // 6 : width * 5 // 6]
    yield "mirrored", picture[:, ::-1]
    yield "darkened", (picture * 0.35).astype(np.uint8)
    yield "grey", cv2.cvtColor(picture, cv2.COLOR_RGB2GRAY)


def lfw_framed(patch: np.ndarray) -> np.ndarray:
    """A 25-pixel LFW crop enlarged to 100 pixels in the middle of a plain 200-pixel frame."""
    grey = cv2.resize((patch * 255).astype(np.uint8), (100, 100), interpolation=cv2.INTER_CUBIC)
    frame = np.full((200, 200), 110, dtype=np.uint8)
    frame[50:150, 50:150] = grey
    return frame


def build_set() -> list[Sample]:
    """Every picture of the single-face set, faces first."""
    samples = [
        Sample(f"{name} {label}", name in FACE_PHOTOS, jpeg(np.ascontiguousarray(variant)))
        for name in FACE_PHOTOS + OTHER_PHOTOS
        for label, variant in variants(rgb(name))
    ]
    lfw = np.load(Path(data.__file__).parent / "lfw_subset.npy")
    samples += [Sample(f"lfw {i}", i < 100, jpeg(lfw_framed(p))) for i, p in enumerate(lfw)]
    return samples


def side_by_side(left: np.ndarray, right: np.ndarray, right_scale: float = 1.0) -> np.ndarray:
    """Two pictures in one, the right one scaled, bottoms aligned, on a plain ground."""
    height = left.shape[0]
    size = (round(right.shape[1] * right_scale), round(right.shape[0] * right_scale))
    right = cv2.resize(right, size, interpolation=cv2.INTER_AREA)
    canvas = np.full((height, left.shape[1] + right.shape[1], 3), 110, dtype=np.uint8)
    canvas[:, : left.shape[1]] = left
    canvas[height - right.shape[0] :, left.shape[1] :] = right
    return canvas


def several_faces_set() -> list[tuple[str, bytes]]:
    """Two people of similar size, and one person with a small face behind."""
    astronaut, camera = rgb("astronaut"), rgb("camera")
    lfw = np.load(Path(data.__file__).parent / "lfw_subset.npy")
    faces = [cv2.cvtColor(lfw_framed(p), cv2.COLOR_GRAY2RGB) for p in lfw[:20]]
    pairs = [
        ("astronaut + cameraman", side_by_side(astronaut, camera)),
        ("astronaut + its mirror", side_by_side(astronaut, astronaut[:, ::-1])),
        ("astronaut + 0.8 cameraman", side_by_side(astronaut, camera, 0.8)),
        ("astronaut + 0.4 cameraman", side_by_side(astronaut, camera, 0.4)),
        ("astronaut + 0.25 cameraman", side_by_side(astronaut, camera, 0.25)),
    ]
    for scale in (1.0, 0.5):
        pairs += [
            (f"lfw {i} + {scale} lfw {i + 1}", side_by_side(faces[i], faces[i + 1], scale))
            for i in range(10)
        ]
    return [(name, jpeg(np.ascontiguousarray(p))) for name, p in pairs]


def row(label: str, samples: list[Sample], scores: dict[str, float], threshold: float) -> str:
    """A table row: faces found and others accepted at ``threshold``, as 'n/total (percent)'."""
    faces = [s for s in samples if s.is_face]
    others = [s for s in samples if not s.is_face]
    found = sum(scores[s.name] >= threshold for s in faces)
    wrong = sum(scores[s.name] >= threshold for s in others)
    return (
        f"| {label} | {threshold:g} | {found}/{len(faces)} ({100 * found / len(faces):.0f}%) "
        f"| {wrong}/{len(others)} ({100 * wrong / len(others):.1f}%) |"
    )


def one_pass_confidence(picture: bytes) -> float:
    """The bare network's best confidence at 300 x 300, with neither mirror nor shape check."""
    image = cv2.imdecode(np.frombuffer(picture, dtype=np.uint8), cv2.IMREAD_COLOR)
    blob = cv2.dnn.blobFromImage(cv2.resize(image, (300, 300)), 1.0, (300, 300), (104, 177, 123))
    out = shared_net().forward(blob)[0, 0]
    boxes = [r for r in out if r[3] < r[5] <= 1.0 and r[4] < r[6] <= 1.0]
    return max((float(r[2]) for r in boxes), default=0.0)


def best_confidence(ssd: SsdFaceDetector, picture: bytes) -> float:
    """The highest confidence of a face the new detector keeps, before its threshold."""
    return max((found.confidence for found in ssd.detections(picture)), default=0.0)


def main() -> None:
    samples = build_set()
    haar, ssd = HaarFaceDetector(), SsdFaceDetector(shared_net())
    print(f"{sum(s.is_face for s in samples)} faces, {sum(not s.is_face for s in samples)} others")
    print("| detector | threshold | faces found | false accepts |")
    print("| --- | ---: | ---: | ---: |")
    haar_hits = {s.name: float(bool(haar.find_faces(s.jpeg))) for s in samples}
    print(row("Haar cascade (old)", samples, haar_hits, 1.0))
    bare = {s.name: one_pass_confidence(s.jpeg) for s in samples}
    for threshold in (0.6, 0.9):
        print(row("res10, one pass at 300", samples, bare, threshold))
    best = {s.name: best_confidence(ssd, s.jpeg) for s in samples}
    for threshold in THRESHOLDS:
        print(row("res10 + mirror + shape (new)", samples, best, threshold))
    misses = sorted((best[s.name], s.name) for s in samples if s.is_face)[:6]
    accepts = sorted(((best[s.name], s.name) for s in samples if not s.is_face), reverse=True)[:6]
    print("lowest faces:", ", ".join(f"{n} {c:.2f}" for c, n in misses))
    print("highest others:", ", ".join(f"{n} {c:.2f}" for c, n in accepts))
    missed_haar = [s.name for s in samples if s.is_face and not haar_hits[s.name]]
    print("Haar misses:", len(missed_haar), ", ".join(missed_haar[:20]))
    print_second_faces(ssd, samples)
    print_eye_positions(ssd, samples)


def print_second_faces(ssd: SsdFaceDetector, samples: list[Sample]) -> None:
    """The second face's area over the first's: alone, side by side, and in the background."""
    alone = [len(ssd.find_faces(s.jpeg)) for s in samples if s.is_face]
    print(f"single-face pictures with a second face found: {sum(n > 1 for n in alone)}")
    print("| picture | faces | second / first area | verdict |")
    print("| --- | ---: | ---: | --- |")
    for name, picture in several_faces_set():
        faces = ssd.find_faces(picture)
        ratio = area(faces[1]) / area(faces[0]) if len(faces) > 1 else 0.0
        verdict = "several" if ratio >= SIMILAR_FACE_AREA else ("one" if faces else "none")
        print(f"| {name} | {len(faces)} | {ratio:.2f} | {verdict} |")


def print_eye_positions(ssd: SsdFaceDetector, samples: list[Sample]) -> None:
    """Where the eye cascade finds both eyes inside the detector's boxes, as box fractions."""
    found = []
    for sample in samples:
        faces = ssd.find_faces(sample.jpeg) if sample.is_face else []
        if not faces:
            continue
        face = faces[0]
        picture = cv2.imdecode(np.frombuffer(sample.jpeg, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
        top = picture[face.y : face.y + int(face.height * 0.6), face.x : face.x + face.width]
        eyes = sorted(sorted(boxes_found(top, max(6, face.width // 10)), key=lambda b: -b[2])[:2])
        if len(eyes) == 2 and eyes[1][0] >= eyes[0][0] + eyes[0][2] // 2:
            found.append(
                [(x + w / 2) / face.width for x, _, w, _ in eyes]
                + [(y + h / 2) / face.height for _, y, _, h in eyes]
            )
    left, right, left_y, right_y = np.median(np.array(found), axis=0)
    print(
        f"eyes found in {len(found)} face boxes; median across {left:.2f} and {right:.2f}, "
        f"down {left_y:.2f} and {right_y:.2f}"
    )


def area(face: FaceBox) -> int:
    """The box's area in pixels."""
    return face.width * face.height


if __name__ == "__main__":
    main()
