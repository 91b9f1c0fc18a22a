"""Show what looks of a trained person look like: the uploaded photo, then three looks.

Run as ``python scripts/looks_example.py --out docs/looks-example.png``. It trains the
procedural engine on scikit-image's astronaut photo, with the face found by OpenCV's Haar
cascade, and writes one labelled PNG (full-size looks go to ``--full`` when given).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import cv2
import numpy as np
from PIL import Image, ImageDraw
from skimage import data

from looksmith.domain.specs import FaceBox, LookSpec, Orientation, Pose, Style, TrainingPhoto
from looksmith.engines.procedural import ProceduralEngine

LOOKS = (
    LookSpec("navy suit with red tie", Orientation.SQUARE, Pose.HALF_BODY, Style.REALISTIC),
    LookSpec("black leather jacket", Orientation.SQUARE, Pose.CLOSE_UP, Style.CYBERPUNK),
    LookSpec("green dress", Orientation.SQUARE, Pose.FULL_BODY, Style.VINTAGE),
)
TILE = 512
LABEL = 30


def find_face(rgb: np.ndarray) -> FaceBox:
    """The largest face OpenCV's frontal Haar cascade finds."""
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    found = cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(40, 40))
    if len(found) == 0:
        raise SystemExit("no face found in the photo")
    x, y, w, h = max((tuple(int(v) for v in f) for f in found), key=lambda f: f[2] * f[3])
    return FaceBox(x, y, w, h)


def tile(image: Image.Image, label: str, face: FaceBox | None) -> Image.Image:
    """The image scaled into a square tile with a caption strip and its face box outlined."""
    k = TILE / max(image.size)
    scaled = image.convert("RGB").resize((round(image.width * k), round(image.height * k)))
    out = Image.new("RGB", (TILE, TILE + LABEL), (250, 250, 248))
    out.paste(scaled, ((TILE - scaled.width) // 2, LABEL))
    draw = ImageDraw.Draw(out)
    draw.text((8, 8), label, fill=(40, 40, 44))
    if face is not None:
        x0 = (TILE - scaled.width) // 2 + face.x * k
        y0 = LABEL + face.y * k
        draw.rectangle((x0, y0, x0 + face.width * k, y0 + face.height * k), outline=(0, 200, 80))
    return out


def main() -> None:
    """Train on the astronaut, render three looks and write the labelled strip."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/looks-example.png"))
    parser.add_argument("--full", type=Path, help="folder for the full-size looks")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--variant", type=int, default=0)
    args = parser.parse_args()
    photo = data.astronaut()
    face = find_face(photo)
    buffer = io.BytesIO()
    Image.fromarray(photo).save(buffer, "JPEG", quality=92)
    engine = ProceduralEngine()
    identity = engine.train([TrainingPhoto(buffer.getvalue(), face)], seed=args.seed)
    tiles = [tile(Image.fromarray(photo), "uploaded photo (detected face)", face)]
    for i, spec in enumerate(LOOKS):
        look = engine.render_look(identity, spec, seed=args.seed, variant=args.variant)
        image = Image.open(io.BytesIO(look.data))
        if args.full is not None:
            args.full.mkdir(parents=True, exist_ok=True)
            image.save(args.full / f"look-{i}.png")
        tiles.append(tile(image, f"{spec.style} {spec.pose}: {spec.prompt}", None))
    strip = Image.new("RGB", (TILE * len(tiles), TILE + LABEL), (250, 250, 248))
    for i, t in enumerate(tiles):
        strip.paste(t, (i * TILE, 0))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    strip.save(args.out, optimize=True)
    print(f"face {face}; wrote {args.out}")


if __name__ == "__main__":
    main()
