"""Style grading: palette transforms for colour styles, grey inks and film finish for mono ones.

Grading the 256-entry palette, or each colour as it is inked, instead of the pixels is what
keeps a render within a few times the cost of its own JPEG encoding.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageChops, ImageDraw

from looksmith.domain.specs import Style
from looksmith.engines.procedural.canvas import Canvas, GreyInk
from looksmith.engines.procedural.colors import RGB, luminance
from looksmith.engines.procedural.look import Rng

Table = NDArray[np.float64]
_LUMA = np.array([0.299, 0.587, 0.114])
_GRAIN_TILE = 256
_VINTAGE_GRAIN = 16


def _lum(table: Table) -> Table:
    out: Table = (table @ _LUMA)[:, None]
    return out


def _saturate(table: Table, k: float) -> Table:
    grey = _lum(table)
    return grey + (table - grey) * k


def _contrast(table: Table, k: float, pivot: float = 128.0) -> Table:
    return (table - pivot) * k + pivot


def _realistic(table: Table) -> Table:
    return _contrast(_saturate(table, 1.05), 1.04)


def _pixar(table: Table) -> Table:
    bright = 255.0 * (np.clip(table, 0, 255) / 255.0) ** 0.86
    return _saturate(bright, 1.3)


def _cinematic(table: Table) -> Table:
    lum = _lum(table) / 255.0
    teal = np.array([-28.0, 6.0, 22.0])
    orange = np.array([30.0, 6.0, -30.0])
    graded = _saturate(table, 0.85) + (1 - lum) * teal + lum * orange
    return _contrast(graded, 1.15, 118.0)


def _cyberpunk(table: Table) -> Table:
    lum = _lum(table) / 255.0
    graded = _saturate(table, 1.25) + (1 - lum) * np.array([12.0, -14.0, 34.0])
    return _contrast(graded, 1.1, 100.0)


_COLOUR_GRADES = {
    Style.REALISTIC: _realistic,
    Style.UNSPECIFIED: _realistic,
    Style.PIXAR: _pixar,
    Style.CINEMATIC: _cinematic,
    Style.CYBERPUNK: _cyberpunk,
}


def _noir_grey(rgb: RGB) -> int:
    # Contrast with an S-curve, but only halfway, so deep skin tones keep their features.
    v = min(1.0, max(0.0, (luminance(rgb) / 255 - 0.5) * 1.25 + 0.54))
    return round(255 * (0.5 * v + 0.5 * v * v * (3 - 2 * v)))


def _vintage_grey(rgb: RGB) -> int:
    # Faded: blacks lifted, whites softened, mids kept firm.
    v = min(1.0, max(0.0, (luminance(rgb) / 255 - 0.5) * 1.15 + 0.5))
    return round(255 * (0.07 + 0.86 * v))


def grey_ink(style: Style) -> GreyInk | None:
    """How a mono style turns a colour straight into its grey level; None for colour styles."""
    return {Style.NOIR: _noir_grey, Style.VINTAGE: _vintage_grey}.get(style)


def _as_bytes(table: Table) -> list[int]:
    out: list[int] = np.clip(np.rint(table), 0, 255).astype(np.uint8).ravel().tolist()
    return out


def _tone_palette(style: Style) -> list[int]:
    """Grey level to colour: neutral for Noir, a faded brown-to-cream ramp for Vintage."""
    v = np.linspace(0.0, 1.0, 256)[:, None]
    if style is Style.NOIR:
        return _as_bytes(np.repeat(v * 255.0, 3, axis=1))
    dark, mid, light = (
        np.array([44.0, 28, 18]),
        np.array([170.0, 128, 84]),
        np.array([250.0, 236, 206]),
    )
    low = dark + (mid - dark) * np.clip(v * 2, 0, 1)
    return _as_bytes(np.where(v < 0.5, low, mid + (light - mid) * np.clip(v * 2 - 1, 0, 1)))


def _grain(size: tuple[int, int], amount: int, rng: Rng) -> Image.Image:
    """Noise in 0..2*amount from a random tile repeated; no eye finds a 256px period in grain."""
    tile = np.frombuffer(rng.bytes(_GRAIN_TILE * _GRAIN_TILE), dtype=np.uint8)
    tile = tile.reshape(_GRAIN_TILE, _GRAIN_TILE) // (128 // amount)
    reps = (-(-size[1] // _GRAIN_TILE), -(-size[0] // _GRAIN_TILE))
    return Image.fromarray(np.ascontiguousarray(np.tile(tile, reps)[: size[1], : size[0]]))


def finish(canvas: Canvas, style: Style, rng: Rng) -> Image.Image:
    """Turn the drawn canvas into the graded RGB picture."""
    grade = _COLOUR_GRADES.get(style)
    if grade is not None:
        canvas.image.putpalette(_as_bytes(grade(canvas.palette())))
        rgb = canvas.image.convert("RGB")
        if style is Style.CINEMATIC:
            letterbox(rgb)
        return rgb
    # Mono canvases already hold grey levels; Noir's vignette is its spotlit backdrop, so
    # only Vintage pays for a full-size pass, its grain.
    grey = canvas.image
    if style is Style.VINTAGE:
        grey = ImageChops.add(grey, _grain(canvas.size, _VINTAGE_GRAIN, rng), 1.0, -_VINTAGE_GRAIN)
    grey.putpalette(_tone_palette(style))
    return grey.convert("RGB")


def grade_pixels(style: Style, pixels: Table) -> Table:
    """Grade an (N, 3) array of real-photo pixels the way a colour style grades its palette."""
    grade = _COLOUR_GRADES.get(style)
    return grade(pixels) if grade is not None else pixels


def grey_pixels(style: Style, pixels: Table) -> NDArray[np.uint8]:
    """The grey levels a mono style would ink an (N, 3) array of pixels with, vectorised."""
    lum = pixels @ _LUMA / 255.0
    if style is Style.NOIR:
        v = np.clip((lum - 0.5) * 1.25 + 0.54, 0.0, 1.0)
        grey = 255 * (0.5 * v + 0.5 * v * v * (3 - 2 * v))
    else:
        grey = 255 * (0.07 + 0.86 * np.clip((lum - 0.5) * 1.15 + 0.5, 0.0, 1.0))
    out: NDArray[np.uint8] = np.clip(np.rint(grey), 0, 255).astype(np.uint8)
    return out


def letterbox(rgb: Image.Image) -> None:
    """Draw the Cinematic style's black bars over the top and bottom of the picture."""
    bar = round(rgb.height * 0.06)
    draw = ImageDraw.Draw(rgb)
    draw.rectangle((0, 0, rgb.width, bar), fill=(4, 6, 8))
    draw.rectangle((0, rgb.height - bar, rgb.width, rgb.height), fill=(4, 6, 8))
