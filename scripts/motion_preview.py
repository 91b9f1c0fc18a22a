"""Show what a motion preview looks like: the astronaut photo animated by two motion types.

Run as ``python scripts/motion_preview.py --out docs/motion-preview.gif``. It runs the
procedural motion engine (the one the server uses) on scikit-image's astronaut photo with the
face found by OpenCV's Haar cascade, and writes a looping GIF: ``consistent`` on the left,
``expressive`` on the right, cropped to head and shoulders, every second frame and one shared
palette to keep the file small.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from PIL import Image, ImageDraw
from skimage import data

from looksmith.domain.motion import MotionType
from looksmith.engines.procedural.motion import FPS, animate_frames, style_for
from looksmith.engines.procedural.motion_engine import preview_still
from looksmith.faces.detector import HaarFaceDetector

TYPES = (MotionType.CONSISTENT, MotionType.EXPRESSIVE)
SIDE = 256
LABEL = 22
CROP = (88, 8, 88 + SIDE, 8 + SIDE)  # head and shoulders in the 512-pixel preview
SHOWN = 200


def clip_frames(photo: bytes, motion_type: MotionType, seed: int) -> tuple[list[Image.Image], int]:
    """The frames the server encodes into the MP4 (before H.264, whose noise GIF cannot
    compress), cropped to ``CROP``."""
    face = HaarFaceDetector().find_face(photo)
    still, _ = preview_still(photo)
    frames = animate_frames(still, face, style_for(motion_type, None), seed=seed)
    shown = (SHOWN, SHOWN)
    return [
        Image.fromarray(f).crop(CROP).resize(shown, Image.Resampling.LANCZOS) for f in frames
    ], FPS


def main() -> None:
    """Animate the astronaut twice and write the side-by-side GIF."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/motion-preview.gif"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    buffer = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buffer, "JPEG", quality=92)
    clips = [clip_frames(buffer.getvalue(), kind, args.seed) for kind in TYPES]
    fps = clips[0][1]
    sheets: list[Image.Image] = []
    for index in range(0, len(clips[0][0]), 2):
        sheet = Image.new("RGB", (SHOWN * len(TYPES), SHOWN + LABEL), (250, 250, 248))
        draw = ImageDraw.Draw(sheet)
        for column, (kind, (frames, _)) in enumerate(zip(TYPES, clips, strict=True)):
            sheet.paste(frames[index], (column * SHOWN, LABEL))
            draw.text((column * SHOWN + 8, 5), f"motion_type: {kind.value}", fill=(40, 40, 44))
        palette = sheets[0] if sheets else None
        sheets.append(sheet.quantize(colors=64, palette=palette, dither=Image.Dither.NONE))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheets[0].save(
        args.out, save_all=True, append_images=sheets[1:], duration=round(2000 / fps), loop=0,
        optimize=True,
    )  # fmt: skip
    print(f"wrote {args.out}: {len(sheets)} frames, {args.out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
