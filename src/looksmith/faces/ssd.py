"""Face detection with OpenCV's res10 SSD face detector (a ResNet-10 CNN), run on ``cv2.dnn``.

The network and its weights ship as package data in ``faces/models/`` (see the LICENSE there).
A face counts when the network finds it in the photo and in its mirror image at the same place,
and its box is taller than wide: both measured on ``bench/bench_faces.py``'s set, where they turn
the network's confident answers to cats, clocks and coins into refusals (bench/RESULTS.md).
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from importlib import resources

import cv2
import numpy as np

from looksmith.domain.specs import FaceBox

PROTOTXT = "deploy.prototxt"
CAFFEMODEL = "res10_300x300_ssd_iter_140000.caffemodel"
# The lowest confidence a face keeps in both the photo and its mirror image.
THRESHOLD = 0.5
# res10 draws faces taller than wide (1.1 to 1.55 on the measured faces); coins and clocks
# come out square or wide.
MIN_ASPECT = 1.05
# The photo is letterboxed to a square of this side: 300 (the training size) misses faces
# under about 40 pixels in a 512-pixel photo; 450 finds them without more false accepts.
SCAN_SIDE = 450
_MEAN_BGR = (104.0, 177.0, 123.0)
_CANDIDATE = 0.2  # detections below this are not worth matching against the mirror
_SAME_PLACE = 0.4  # intersection over union of a box and its mirror-image twin


@dataclass(frozen=True, slots=True)
class Detection:
    """One face the network found, with its confidence."""

    confidence: float
    box: FaceBox


class _SharedNet:
    """The network, loaded once per process; a ``cv2.dnn.Net`` serves one thread at a time."""

    def __init__(self, net: cv2.dnn.Net) -> None:
        self._net = net
        self._lock = threading.Lock()

    def forward(self, blob: np.ndarray) -> np.ndarray:
        with self._lock:
            self._net.setInput(blob)
            return np.array(self._net.forward())


@functools.cache
def shared_net() -> _SharedNet:
    """The res10 network from package data; raises OSError or cv2.error if it cannot load."""
    models = resources.files("looksmith.faces") / "models"
    with (
        resources.as_file(models / PROTOTXT) as prototxt,
        resources.as_file(models / CAFFEMODEL) as weights,
    ):
        if not prototxt.is_file() or not weights.is_file():
            raise OSError(f"missing face model files in {models}")
        return _SharedNet(cv2.dnn.readNetFromCaffe(str(prototxt), str(weights)))


class SsdFaceDetector:
    """Finds faces with the res10 SSD network, checked against the photo's mirror image."""

    def __init__(self, net: _SharedNet, *, threshold: float = THRESHOLD) -> None:
        self._net = net
        self._threshold = threshold

    def find_faces(self, data: bytes) -> list[FaceBox]:
        """Every face in the encoded image, largest first, in its own pixel coordinates."""
        return [found.box for found in self.detections(data) if found.confidence >= self._threshold]

    def find_face(self, data: bytes) -> FaceBox | None:
        """The largest face in the encoded image, or None."""
        faces = self.find_faces(data)
        return faces[0] if faces else None

    def detections(self, data: bytes) -> list[Detection]:
        """Face-shaped boxes found in the photo and its mirror, with the lower confidence of
        the two, largest first; the benchmark sweeps thresholds over these."""
        image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
        if image is None:
            return []
        width = image.shape[1]
        mirrored = [
            Detection(found.confidence, _mirror(found.box, width))
            for found in self._candidates(cv2.flip(image, 1))
        ]
        kept = []
        for found in self._candidates(image):
            if found.box.height < MIN_ASPECT * found.box.width:
                continue
            twins = [m.confidence for m in mirrored if _overlap(found.box, m.box) >= _SAME_PLACE]
            if twins:
                kept.append(Detection(min(found.confidence, max(twins)), found.box))
        return sorted(kept, key=lambda d: -d.box.width * d.box.height)

    def _candidates(self, image: np.ndarray) -> list[Detection]:
        height, width = image.shape[:2]
        side = max(height, width)
        # Shrunk first, then letterboxed: padding a long thin photo at full size first would
        # allocate a square of its long side (gigabytes for a 40000x1000 upload).
        shrunk = cv2.resize(
            image,
            (max(1, round(width * SCAN_SIDE / side)), max(1, round(height * SCAN_SIDE / side))),
            interpolation=cv2.INTER_AREA,
        )
        scan = cv2.copyMakeBorder(
            shrunk,
            0,
            SCAN_SIDE - shrunk.shape[0],
            0,
            SCAN_SIDE - shrunk.shape[1],
            cv2.BORDER_CONSTANT,
            value=_MEAN_BGR,
        )
        blob = cv2.dnn.blobFromImage(scan, 1.0, (SCAN_SIDE, SCAN_SIDE), _MEAN_BGR)
        found = []
        for row in self._net.forward(blob)[0, 0]:
            confidence = float(row[2])
            if confidence < _CANDIDATE:
                continue
            x0, y0, x1, y1 = (np.clip(row[3:7], 0.0, 1.0) * side).tolist()
            x1, y1 = min(x1, width), min(y1, height)
            if x1 - x0 >= 2 and y1 - y0 >= 2:
                box = FaceBox(x=round(x0), y=round(y0), width=round(x1 - x0), height=round(y1 - y0))
                found.append(Detection(confidence, box))
        return found


def _mirror(box: FaceBox, width: int) -> FaceBox:
    return FaceBox(x=width - box.x - box.width, y=box.y, width=box.width, height=box.height)


def _overlap(a: FaceBox, b: FaceBox) -> float:
    """Intersection over union."""
    across = max(0, min(a.x + a.width, b.x + b.width) - max(a.x, b.x))
    down = max(0, min(a.y + a.height, b.y + b.height) - max(a.y, b.y))
    shared = across * down
    return shared / (a.width * a.height + b.width * b.height - shared)
