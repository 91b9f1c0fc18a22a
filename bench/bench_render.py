"""Time one 1024x1024 render against JPEG-encoding the same picture with Pillow alone.

Run as ``python bench/bench_render.py``; other bench scripts import ``run``.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from PIL import Image

from looksmith.domain.specs import (
    Age,
    Ethnicity,
    Gender,
    Orientation,
    PhotoSpec,
    Pose,
    Style,
)
from looksmith.engines.procedural import ProceduralEngine
from looksmith.engines.procedural.engine import JPEG_QUALITY

RUNS = 15
WARMUPS = 2
TARGET_RATIO = 3.0

SPEC = PhotoSpec(
    age=Age.YOUNG_ADULT,
    gender=Gender.WOMAN,
    ethnicity=Ethnicity.HISPANIC,
    orientation=Orientation.SQUARE,
    pose=Pose.HALF_BODY,
    style=Style.REALISTIC,
    appearance="red hoodie",
)


def _median_ms(action: Callable[[], object]) -> float:
    for _ in range(WARMUPS):
        action()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000.0


def run(spec: PhotoSpec = SPEC) -> dict[str, float]:
    """Median render and encode-only milliseconds, and their ratio."""
    engine = ProceduralEngine()
    rendered = engine.render_photo(spec, seed=7, variant=0)
    with Image.open(io.BytesIO(rendered.data)) as decoded:
        picture = decoded.convert("RGB")

    def encode() -> None:
        picture.save(io.BytesIO(), "JPEG", quality=JPEG_QUALITY)

    render_ms = _median_ms(lambda: engine.render_photo(spec, seed=7, variant=0))
    encode_ms = _median_ms(encode)
    return {"render_ms": render_ms, "encode_ms": encode_ms, "ratio": render_ms / encode_ms}


def main() -> None:
    """Print the numbers for a person to read."""
    result = run()
    print(f"render 1024x1024: {result['render_ms']:.2f} ms (median of {RUNS})")
    print(f"encode 1024x1024: {result['encode_ms']:.2f} ms (median of {RUNS})")
    print(f"ratio: {result['ratio']:.2f}  target: <= {TARGET_RATIO:g}")


if __name__ == "__main__":
    main()
