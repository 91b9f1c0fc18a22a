"""Face detection with OpenCV's Haar cascade, whose model ships inside opencv-python-headless."""

from __future__ import annotations

import threading

import cv2
import numpy as np

from looksmith.domain.specs import FaceBox

_CASCADE = "haarcascade_frontalface_default.xml"
# Big photos are scanned at this size: faster, and the cascade's windows suit it.
_SCAN_SIDE = 1024


class HaarFaceDetector:
    """Finds the largest frontal face; one classifier per thread, since they are not shared."""

    def __init__(self) -> None:
        self._local = threading.local()

    def find_face(self, data: bytes) -> FaceBox | None:
        """The largest face in the encoded image, in its own pixel coordinates."""
        gray = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
        if gray is None:
            return None
        scale = min(1.0, _SCAN_SIDE / max(gray.shape))
        if scale < 1.0:
            gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        gray = cv2.equalizeHist(gray)
        side = max(24, min(gray.shape) // 12)
        found = self._classifier().detectMultiScale(
            gray, scaleFactor=1.1, minNeighbors=5, minSize=(side, side)
        )
        if len(found) == 0:
            return None
        x, y, w, h = max(found, key=lambda box: int(box[2]) * int(box[3]))
        return FaceBox(
            x=round(x / scale), y=round(y / scale), width=round(w / scale), height=round(h / scale)
        )

    def _classifier(self) -> cv2.CascadeClassifier:
        classifier = getattr(self._local, "classifier", None)
        if classifier is None:
            classifier = cv2.CascadeClassifier(cv2.data.haarcascades + _CASCADE)  # type: ignore[attr-defined]
            if classifier.empty():
                raise RuntimeError(f"OpenCV could not load {_CASCADE}")
            self._local.classifier = classifier
        return classifier
