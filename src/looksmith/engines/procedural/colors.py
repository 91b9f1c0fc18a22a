"""Colour tables and small colour arithmetic shared by the drawing modules."""

from __future__ import annotations

from looksmith.domain.specs import Ethnicity

RGB = tuple[int, int, int]


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour a fraction ``t`` of the way from ``a`` to ``b``."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def shade(c: RGB, k: float) -> RGB:
    """Darken (``k`` < 1) or lighten towards white (``k`` > 1) a colour."""
    if k <= 1.0:
        return (round(c[0] * k), round(c[1] * k), round(c[2] * k))
    return mix(c, (255, 255, 255), min(1.0, k - 1.0))


def luminance(c: RGB) -> float:
    """Perceived brightness in 0..255."""
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


# Names people write in an appearance description; values are pleasant mid tones, not
# the harsh web primaries, so garments still look like fabric.
COLOUR_WORDS: dict[str, RGB] = {
    "red": (196, 40, 44),
    "crimson": (170, 24, 48),
    "maroon": (110, 28, 36),
    "burgundy": (118, 30, 52),
    "blue": (40, 86, 196),
    "navy": (28, 40, 86),
    "teal": (18, 128, 128),
    "turquoise": (40, 190, 180),
    "cyan": (40, 200, 220),
    "green": (46, 140, 70),
    "olive": (110, 112, 48),
    "mint": (150, 220, 180),
    "yellow": (236, 200, 40),
    "mustard": (204, 160, 40),
    "gold": (212, 168, 60),
    "orange": (236, 120, 32),
    "purple": (118, 56, 160),
    "violet": (140, 80, 200),
    "lavender": (176, 156, 220),
    "magenta": (214, 40, 160),
    "pink": (236, 130, 170),
    "black": (26, 26, 30),
    "white": (240, 240, 236),
    "cream": (240, 228, 200),
    "grey": (128, 130, 134),
    "silver": (188, 192, 198),
    "brown": (112, 72, 44),
    "tan": (196, 156, 112),
    "beige": (216, 196, 160),
    "khaki": (190, 176, 128),
    "denim": (70, 100, 150),
}

COLOUR_SYNONYMS: dict[str, str] = {
    "gray": "grey",
    "golden": "gold",
    "scarlet": "red",
    "ruby": "red",
    "wine": "burgundy",
    "aqua": "turquoise",
    "emerald": "green",
    "lime": "green",
    "lilac": "lavender",
    "fuchsia": "magenta",
    "rose": "pink",
    "ivory": "cream",
    "charcoal": "grey",
    "camel": "tan",
    "chocolate": "brown",
}

MODIFIERS = {"dark": 0.62, "deep": 0.7, "light": 1.45, "pale": 1.55, "bright": 1.15}


def colour_rgb(name: str) -> RGB:
    """The RGB value of a parsed colour name such as ``"navy"`` or ``"dark green"``."""
    *mods, base = name.split()
    rgb = COLOUR_WORDS.get(base, COLOUR_WORDS["grey"])
    for mod in mods:
        rgb = shade(rgb, MODIFIERS.get(mod, 1.0))
    return rgb


# Hair named by a garment colour word reads better in a natural shade.
HAIR_WORD_COLOURS: dict[str, RGB] = {
    "black": (28, 24, 24),
    "brown": (86, 56, 36),
    "red": (150, 60, 30),
    "orange": (170, 80, 34),
    "blonde": (220, 184, 116),
    "gold": (214, 170, 90),
    "yellow": (226, 196, 110),
    "grey": (156, 154, 152),
    "silver": (196, 198, 200),
    "white": (232, 230, 226),
    "auburn": (120, 48, 28),
    "brunette": (76, 48, 32),
    "platinum": (232, 222, 196),
}

# Skin ranges from lighter to deeper; each ethnicity spans several tones so seeds vary.
SKIN_TONES: dict[Ethnicity, tuple[RGB, ...]] = {
    Ethnicity.WHITE: ((246, 214, 190), (236, 196, 168), (224, 178, 146)),
    Ethnicity.BLACK: ((150, 98, 66), (120, 76, 50), (92, 58, 40)),
    Ethnicity.ASIAN_AMERICAN: ((240, 206, 170), (226, 186, 148), (206, 160, 120)),
    Ethnicity.EAST_ASIAN: ((244, 212, 180), (232, 196, 160), (218, 178, 140)),
    Ethnicity.SOUTH_EAST_ASIAN: ((218, 170, 124), (198, 146, 104), (176, 124, 86)),
    Ethnicity.SOUTH_ASIAN: ((200, 146, 104), (176, 122, 84), (146, 96, 64)),
    Ethnicity.MIDDLE_EASTERN: ((226, 180, 140), (208, 156, 116), (184, 132, 96)),
    Ethnicity.PACIFIC: ((190, 136, 96), (166, 114, 78), (140, 94, 64)),
    Ethnicity.HISPANIC: ((230, 184, 146), (212, 162, 122), (186, 136, 98)),
}

HAIR_TONES: dict[Ethnicity, tuple[RGB, ...]] = {
    Ethnicity.WHITE: ((222, 186, 120), (150, 100, 56), (92, 60, 38), (140, 64, 32), (40, 32, 28)),
    Ethnicity.BLACK: ((26, 22, 22), (44, 32, 28), (62, 42, 32)),
    Ethnicity.ASIAN_AMERICAN: ((24, 22, 24), (48, 36, 30), (78, 54, 38)),
    Ethnicity.EAST_ASIAN: ((22, 20, 24), (40, 32, 30), (66, 46, 34)),
    Ethnicity.SOUTH_EAST_ASIAN: ((24, 20, 20), (44, 32, 26)),
    Ethnicity.SOUTH_ASIAN: ((24, 20, 20), (46, 34, 28), (66, 44, 32)),
    Ethnicity.MIDDLE_EASTERN: ((28, 22, 20), (56, 38, 28), (82, 56, 38)),
    Ethnicity.PACIFIC: ((26, 22, 20), (52, 36, 28), (80, 54, 36)),
    Ethnicity.HISPANIC: ((30, 24, 22), (60, 40, 30), (96, 64, 40)),
}

# Straight, wavy, curly, coily: weights per ethnicity for how hair is drawn.
HAIR_TEXTURES: dict[Ethnicity, tuple[float, float, float, float]] = {
    Ethnicity.WHITE: (0.5, 0.35, 0.15, 0.0),
    Ethnicity.BLACK: (0.05, 0.1, 0.35, 0.5),
    Ethnicity.ASIAN_AMERICAN: (0.7, 0.25, 0.05, 0.0),
    Ethnicity.EAST_ASIAN: (0.8, 0.2, 0.0, 0.0),
    Ethnicity.SOUTH_EAST_ASIAN: (0.65, 0.3, 0.05, 0.0),
    Ethnicity.SOUTH_ASIAN: (0.45, 0.45, 0.1, 0.0),
    Ethnicity.MIDDLE_EASTERN: (0.3, 0.45, 0.25, 0.0),
    Ethnicity.PACIFIC: (0.25, 0.4, 0.3, 0.05),
    Ethnicity.HISPANIC: (0.4, 0.45, 0.15, 0.0),
}

EYE_TONES: dict[Ethnicity, tuple[RGB, ...]] = {
    Ethnicity.WHITE: ((70, 120, 170), (90, 130, 80), (120, 86, 50), (110, 120, 130)),
}
DEFAULT_EYES: tuple[RGB, ...] = ((86, 56, 34), (64, 42, 28), (110, 76, 44))

GARMENT_DEFAULTS: tuple[RGB, ...] = (
    (52, 84, 140),
    (150, 52, 60),
    (60, 110, 90),
    (216, 170, 70),
    (70, 70, 78),
    (230, 226, 216),
    (120, 84, 150),
    (200, 110, 70),
    (40, 120, 160),
)
