"""Where the eyes are in a face box: OpenCV's eye cascade, or the usual proportions."""

from __future__ import annotations

import threading

import cv2
import numpy as np

from looksmith.domain.specs import FaceBox

Eye = tuple[float, float, float, float]  # centre x, centre y, half width, half height
_CASCADE = "haarcascade_eye.xml"
_local = threading.local()


def find_eyes(rgb: np.ndarray, face: FaceBox) -> list[Eye]:
    """Both eyes, left to right: the two the cascade finds in the face's upper part, else
    where eyes usually sit in a frontal face box."""
    top = rgb[face.y : face.y + int(face.height * 0.6), face.x : face.x + face.width]
    found: list[tuple[int, int, int, int]] = []
    if top.size:
        grey = cv2.cvtColor(np.ascontiguousarray(top), cv2.COLOR_RGB2GRAY)
        side = max(6, face.width // 10)
        found = sorted(boxes_found(grey, side), key=lambda box: -box[2])[:2]
    left_right = sorted(found, key=lambda b: b[0])
    if len(left_right) == 2 and left_right[1][0] >= left_right[0][0] + left_right[0][2] // 2:
        return [
            (face.x + x + w / 2, face.y + y + h / 2, 0.32 * w, 0.16 * h)
            for x, y, w, h in left_right
        ]
    # Near where the eye cascade finds eyes in the face detector's boxes: median 0.25 and 0.68
    # across, 0.36 down (bench/RESULTS.md, face check).
    return [
        (face.x + across * face.width, face.y + 0.38 * face.height, 0.1 * face.width,
         0.05 * face.height)
        for across in (0.3, 0.7)
    ]  # fmt: skip


def boxes_found(grey: np.ndarray, side: int) -> list[tuple[int, int, int, int]]:
    """Eye boxes the cascade finds in a grey picture, at least ``side`` pixels."""
    found = _classifier().detectMultiScale(grey, 1.05, 3, minSize=(side, side))
    return [(int(x), int(y), int(w), int(h)) for x, y, w, h in found]


def _classifier() -> cv2.CascadeClassifier:
    classifier = getattr(_local, "classifier", None)
    if classifier is None:
        path = cv2.data.haarcascades + _CASCADE  # type: ignore[attr-defined]
        classifier = cv2.CascadeClassifier(path)
        if classifier.empty():
            raise RuntimeError(f"OpenCV could not load {_CASCADE}")
        _local.classifier = classifier
    return classifier
