"""Which face detector a process uses: the res10 CNN, or OpenCV's Haar cascade (whose model
ships inside opencv-python-headless) when the CNN's files cannot be loaded."""

from __future__ import annotations

import functools
import logging
import threading

import cv2
import numpy as np

from looksmith.domain.specs import FaceBox
from looksmith.faces.ssd import SsdFaceDetector, shared_net

log = logging.getLogger(__name__)

_CASCADE = "haarcascade_frontalface_default.xml"
# Big photos are scanned at this size: faster, and the cascade's windows suit it.
_SCAN_SIDE = 1024


def build_face_detector() -> SsdFaceDetector | HaarFaceDetector:
    """The CNN detector, or the Haar cascade if the CNN's model files cannot be loaded."""
    try:
        return SsdFaceDetector(shared_net())
    except (OSError, cv2.error) as exc:
        _warn_fallback(repr(exc))
        return HaarFaceDetector()


@functools.cache
def _warn_fallback(reason: str) -> None:
    log.warning("face model files could not be loaded (%s); using the Haar cascade", reason)


class HaarFaceDetector:
    """Finds frontal faces; one classifier per thread, since they are not shared."""

    def __init__(self) -> None:
        self._local = threading.local()

    def find_face(self, data: bytes) -> FaceBox | None:
        """The largest face in the encoded image, in its own pixel coordinates."""
        faces = self.find_faces(data)
        return faces[0] if faces else None

    def find_faces(self, data: bytes) -> list[FaceBox]:
        """Every face in the encoded image, largest first."""
        gray = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
        if gray is None:
            return []
        scale = min(1.0, _SCAN_SIDE / max(gray.shape))
        if scale < 1.0:
            gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        gray = cv2.equalizeHist(gray)
        side = max(24, min(gray.shape) // 12)
        found = self._classifier().detectMultiScale(
            gray, scaleFactor=1.1, minNeighbors=5, minSize=(side, side)
        )
        return [
            FaceBox(
                x=round(x / scale),
                y=round(y / scale),
                width=round(w / scale),
                height=round(h / scale),
            )
            for x, y, w, h in sorted(found, key=lambda box: -int(box[2]) * int(box[3]))
        ]

    def _classifier(self) -> cv2.CascadeClassifier:
        classifier = getattr(self._local, "classifier", None)
        if classifier is None:
            classifier = cv2.CascadeClassifier(cv2.data.haarcascades + _CASCADE)  # type: ignore[attr-defined]
            if classifier.empty():
                raise RuntimeError(f"OpenCV could not load {_CASCADE}")
            self._local.classifier = classifier
        return classifier
