"""Reads colours, garments and accessories out of a free-text appearance description."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from looksmith.engines.procedural.colors import COLOUR_SYNONYMS, COLOUR_WORDS, MODIFIERS

# Outer layers win the "main garment" slot over what is worn beneath them.
GARMENT_RANK: dict[str, int] = {
    "suit": 6,
    "blazer": 5,
    "jacket": 5,
    "dress": 4,
    "hoodie": 4,
    "sweater": 3,
    "tshirt": 2,
    "shirt": 1,
}
LAYERED = frozenset({"suit", "blazer", "jacket"})

ITEM_WORDS: dict[str, str] = {
    "suit": "suit",
    "tuxedo": "suit",
    "blazer": "blazer",
    "jacket": "jacket",
    "coat": "jacket",
    "hoodie": "hoodie",
    "hoody": "hoodie",
    "sweatshirt": "hoodie",
    "tshirt": "tshirt",
    "tee": "tshirt",
    "top": "tshirt",
    "shirt": "shirt",
    "blouse": "shirt",
    "polo": "shirt",
    "dress": "dress",
    "gown": "dress",
    "sweater": "sweater",
    "jumper": "sweater",
    "cardigan": "sweater",
    "pullover": "sweater",
    "turtleneck": "sweater",
    "tie": "tie",
    "necktie": "tie",
    "glasses": "glasses",
    "spectacles": "glasses",
    "eyeglasses": "glasses",
    "sunglasses": "sunglasses",
    "shades": "sunglasses",
    "hat": "hat",
    "fedora": "hat",
    "cap": "cap",
    "beanie": "beanie",
    "scarf": "scarf",
    "necklace": "necklace",
    "pendant": "necklace",
    "chain": "necklace",
    "earrings": "earrings",
    "earring": "earrings",
    "beard": "beard",
    "bearded": "beard",
    "goatee": "beard",
    "stubble": "stubble",
    "moustache": "moustache",
    "mustache": "moustache",
    "hair": "hair",
    "eyes": "eyes",
    "lipstick": "lips",
    "lips": "lips",
    "trousers": "trousers",
    "pants": "trousers",
    "jeans": "trousers",
    "chinos": "trousers",
    "skirt": "trousers",
    "shoes": "shoes",
    "sneakers": "shoes",
    "boots": "shoes",
}

# Words that name a hair colour on their own ("a blonde woman").
HAIR_COLOUR_WORDS: dict[str, str] = {
    "blonde": "blonde",
    "blond": "blonde",
    "brunette": "brunette",
    "ginger": "auburn",
    "redhead": "auburn",
    "auburn": "auburn",
    "platinum": "platinum",
}

HAIR_STYLE_WORDS: dict[str, str] = {
    "long": "long",
    "short": "short",
    "curly": "curly",
    "afro": "curly",
    "coily": "curly",
    "wavy": "long",
    "bald": "bald",
    "bun": "bun",
    "ponytail": "bun",
    "bob": "bob",
    "buzz": "buzz",
    "buzzcut": "buzz",
}
# These describe hair only when "hair" follows closely; "bald" and "bun" never mean anything else.
HAIR_STYLE_NEEDS_NOUN = frozenset({"long", "short", "curly", "wavy", "coily"})

BREAKERS = frozenset({"and", "or", ",", ".", ";", "but", "no", "without"})
NEGATIONS = frozenset({"no", "without", "clean", "shaven", "shaved"})
_TOKEN = re.compile(r"[a-z]+|[,.;]")
_MAX_GAP = 3  # "red wool knit sweater": the colour still reaches the garment


@dataclass(frozen=True)
class Appearance:
    """What the description asks for: item kinds, their colours and a hair style."""

    garment: str | None = None
    items: frozenset[str] = frozenset()
    colours: dict[str, str] = field(default_factory=dict)
    hair_style: str | None = None

    def colour(self, item: str) -> str | None:
        """The colour name given to ``item``, if any."""
        return self.colours.get(item)


def _tokens(text: str) -> list[str]:
    # Hyphens and spaces inside garment names vanish so "t-shirt" and "t shirt" match "tshirt".
    lowered = text.lower().replace("t-shirt", "tshirt").replace("t shirt", "tshirt")
    return _TOKEN.findall(lowered.replace("-", ""))


def _colour_at(tokens: list[str], i: int) -> tuple[str, int] | None:
    """The colour name starting at token ``i`` and how many tokens it spans."""
    tok = tokens[i]
    if tok in MODIFIERS and i + 1 < len(tokens):
        nxt = COLOUR_SYNONYMS.get(tokens[i + 1], tokens[i + 1])
        if nxt in COLOUR_WORDS:
            return f"{tok} {nxt}", 2
    base = COLOUR_SYNONYMS.get(tok, tok)
    if base in COLOUR_WORDS:
        return base, 1
    return None


def parse_appearance(text: str) -> Appearance:
    """Parse a description; a colour right before an item colours it, a lone one the garment."""
    tokens = _tokens(text)
    items: set[str] = set()
    colours: dict[str, str] = {}
    lone: list[str] = []
    pending: tuple[str, int] | None = None
    hair_style: str | None = None
    negated_at = -10
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        found = _colour_at(tokens, i)
        if found is not None:
            if pending is not None:
                lone.append(pending[0])
            pending = (found[0], i)
            i += found[1]
            continue
        if tok in NEGATIONS:
            negated_at = i
        item = ITEM_WORDS.get(tok)
        if tok in HAIR_COLOUR_WORDS:
            colours.setdefault("hair", HAIR_COLOUR_WORDS[tok])
        elif item is not None:
            if i - negated_at > 2:
                items.add(item)
            if pending is not None and i - pending[1] <= _MAX_GAP:
                colours.setdefault(item, pending[0])
                pending = None
            if tok == "jeans":
                colours.setdefault("trousers", "denim")
        elif tok in HAIR_STYLE_WORDS:
            near_hair = "hair" in tokens[i + 1 : i + 3]
            if tok not in HAIR_STYLE_NEEDS_NOUN or near_hair:
                hair_style = hair_style or HAIR_STYLE_WORDS[tok]
        elif tok in BREAKERS and pending is not None:
            lone.append(pending[0])
            pending = None
        i += 1
    if pending is not None:
        lone.append(pending[0])
    return _resolve(items, colours, lone, hair_style)


def _resolve(
    items: set[str], colours: dict[str, str], lone: list[str], hair_style: str | None
) -> Appearance:
    """Pick the main garment and hand it its colour, explicit or lone."""
    garments = [g for g in GARMENT_RANK if g in items]
    garment = max(garments, key=GARMENT_RANK.__getitem__) if garments else None
    resolved = dict(colours)
    if garment is not None and garment in colours:
        resolved["top"] = colours[garment]
    elif lone:
        resolved["top"] = lone[0]
    if garment in LAYERED:
        inner = next((g for g in ("shirt", "tshirt") if g in colours), None)
        if inner is not None:
            resolved["inner"] = colours[inner]
    if "hair" in resolved and "hair" in items:
        items.discard("hair")
    return Appearance(
        garment=garment, items=frozenset(items), colours=resolved, hair_style=hair_style
    )
