"""Decides who is drawn (shared by all variants) and how each variant differs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from looksmith.domain.specs import Age, Ethnicity, Gender, PhotoSpec
from looksmith.engines.procedural.appearance import Appearance
from looksmith.engines.procedural.colors import (
    DEFAULT_EYES,
    EYE_TONES,
    GARMENT_DEFAULTS,
    HAIR_TEXTURES,
    HAIR_TONES,
    HAIR_WORD_COLOURS,
    RGB,
    SKIN_TONES,
    colour_rgb,
    mix,
    shade,
)

Rng = np.random.Generator

_GREY_BY_AGE = {
    Age.YOUNG_ADULT: 0.0,
    Age.EARLY_MIDDLE_AGE: 0.15,
    Age.LATE_MIDDLE_AGE: 0.45,
    Age.SENIOR: 0.85,
}
_WRINKLES_BY_AGE = {
    Age.YOUNG_ADULT: 0,
    Age.EARLY_MIDDLE_AGE: 1,
    Age.LATE_MIDDLE_AGE: 2,
    Age.SENIOR: 3,
}
_TEXTURES = ("straight", "wavy", "curly", "coily")
_MAN_GARMENTS = ("tshirt", "shirt", "sweater", "hoodie", "suit", "jacket", "blazer")
_WOMAN_GARMENTS = ("shirt", "sweater", "dress", "blazer", "tshirt", "hoodie", "jacket")
_TROUSERS: tuple[RGB, ...] = ((40, 44, 60), (60, 62, 66), (70, 100, 150), (170, 150, 110))
_SHOES: tuple[RGB, ...] = ((40, 30, 26), (24, 24, 26), (236, 236, 232), (110, 70, 44))
_HAT_KINDS = ("hat", "cap", "beanie")


@dataclass(frozen=True, slots=True)
class Look:
    """The person and outfit, identical across the four variants of a generation."""

    woman: bool
    age: Age
    skin: RGB
    hair: RGB
    hair_style: str
    texture: str
    eyes: RGB
    lips: RGB
    garment: str
    top: RGB
    inner: RGB
    tie: RGB | None
    trousers: RGB
    shoes: RGB
    glasses: str | None
    frame: RGB
    hat: str | None
    hat_colour: RGB
    scarf: RGB | None
    necklace: RGB | None
    earrings: RGB | None
    facial_hair: str | None
    wrinkles: int


@dataclass(frozen=True, slots=True)
class Variation:
    """What changes between the variants: pose of the head, mood, light and backdrop."""

    turn: float
    tilt: float
    expression: str
    gaze: float
    brow_raise: float
    light: int
    composition: int
    parting: int
    hair_volume: float
    shoulder_tilt: float


def _pick(rng: Rng, options: tuple[RGB, ...]) -> RGB:
    return options[int(rng.integers(len(options)))]


def _named(appearance: Appearance, item: str) -> RGB | None:
    name = appearance.colour(item)
    return colour_rgb(name) if name is not None else None


def _hair_colour(appearance: Appearance, base: RGB, grey: float) -> RGB:
    name = appearance.colour("hair")
    if name is None:
        # Grey hair lightens towards a cool silver rather than a flat mid grey.
        return mix(base, (214, 212, 208), grey)
    return HAIR_WORD_COLOURS.get(name.split()[-1], colour_rgb(name))


def _hair_style(rng: Rng, woman: bool, texture: str, age: Age, asked: str | None) -> str:
    if asked is not None:
        return asked
    if woman:
        style = str(rng.choice(["long", "long", "long", "bob", "bun", "short"]))
        return "curly" if texture in ("curly", "coily") and style == "long" else style
    if age is Age.SENIOR and rng.random() < 0.45:
        return "bald"
    style = str(rng.choice(["short", "short", "side", "side", "buzz"]))
    return "curly" if texture == "coily" or (texture == "curly" and rng.random() < 0.6) else style


def _facial_hair(rng: Rng, woman: bool, appearance: Appearance) -> str | None:
    for kind in ("beard", "moustache", "stubble"):
        if kind in appearance.items:
            return kind
    if woman:
        return None
    roll = rng.random()
    return "stubble" if roll < 0.25 else "beard" if roll < 0.45 else None


def _accessory(
    rng: Rng, appearance: Appearance, kinds: tuple[str, ...], chance: float
) -> str | None:
    for kind in kinds:
        if kind in appearance.items:
            return kind
    return kinds[0] if rng.random() < chance else None


def decide_look(spec: PhotoSpec, appearance: Appearance, rng: Rng) -> Look:
    """Choose a person and outfit from the spec, the description and the person's rng."""
    woman = spec.gender is Gender.WOMAN or (
        spec.gender is Gender.UNSPECIFIED and rng.random() < 0.5
    )
    ages = [a for a in Age if a is not Age.UNSPECIFIED]
    age = spec.age if spec.age is not Age.UNSPECIFIED else ages[int(rng.integers(len(ages)))]
    ethnicities = [e for e in Ethnicity if e is not Ethnicity.UNSPECIFIED]
    eth = spec.ethnicity
    if eth is Ethnicity.UNSPECIFIED:
        eth = ethnicities[int(rng.integers(len(ethnicities)))]
    roll, texture = rng.random(), _TEXTURES[-1]
    for name, weight in zip(_TEXTURES, HAIR_TEXTURES[eth], strict=True):
        if roll < weight:
            texture = name
            break
        roll -= weight
    skin = _pick(rng, SKIN_TONES[eth])
    hair = _hair_colour(appearance, _pick(rng, HAIR_TONES[eth]), _GREY_BY_AGE[age])
    garments = _WOMAN_GARMENTS if woman else _MAN_GARMENTS
    garment = appearance.garment or garments[int(rng.integers(len(garments)))]
    top = _named(appearance, "top") or _pick(rng, GARMENT_DEFAULTS)
    wants_tie = "tie" in appearance.items or (
        garment == "suit" and not woman and rng.random() < 0.6
    )
    glasses_chance = 0.5 if age is Age.SENIOR else 0.12
    lip_base = shade(skin, 0.78)
    return Look(
        woman=woman,
        age=age,
        skin=skin,
        hair=hair,
        hair_style=_hair_style(rng, woman, texture, age, appearance.hair_style),
        texture=texture,
        eyes=_named(appearance, "eyes") or _pick(rng, EYE_TONES.get(eth, DEFAULT_EYES)),
        lips=_named(appearance, "lips") or mix(lip_base, (190, 80, 90), 0.35 if woman else 0.15),
        garment=garment,
        top=top,
        inner=_named(appearance, "inner") or _pick(rng, ((246, 246, 242), (200, 220, 240))),
        tie=(_named(appearance, "tie") or _pick(rng, ((120, 30, 44), (30, 50, 110))))
        if wants_tie
        else None,
        trousers=_named(appearance, "trousers") or _pick(rng, _TROUSERS),
        shoes=_named(appearance, "shoes") or _pick(rng, _SHOES),
        glasses=_accessory(rng, appearance, ("glasses", "sunglasses"), glasses_chance),
        frame=_named(appearance, "glasses") or _named(appearance, "sunglasses") or (30, 28, 30),
        hat=_accessory(rng, appearance, _HAT_KINDS, 0.0),
        hat_colour=_hat_colour(appearance, rng),
        scarf=(_named(appearance, "scarf") or (180, 60, 50))
        if "scarf" in appearance.items
        else None,
        necklace=_jewel(appearance, "necklace", woman and rng.random() < 0.3),
        earrings=_jewel(appearance, "earrings", woman and rng.random() < 0.4),
        facial_hair=_facial_hair(rng, woman, appearance),
        wrinkles=_WRINKLES_BY_AGE[age],
    )


def _hat_colour(appearance: Appearance, rng: Rng) -> RGB:
    for kind in _HAT_KINDS:
        named = _named(appearance, kind)
        if named is not None:
            return named
    return _pick(rng, ((40, 40, 46), (150, 40, 40), (60, 80, 120)))


def _jewel(appearance: Appearance, item: str, by_chance: bool) -> RGB | None:
    if item in appearance.items or by_chance:
        return _named(appearance, item) or (222, 184, 90)
    return None


_EXPRESSIONS = ("smile", "neutral", "grin", "smirk")
_TURNS = (-0.75, -0.25, 0.3, 0.8)


def decide_variation(variant: int, offsets: tuple[int, ...], rng: Rng) -> Variation:
    """Spread the variants over distinct poses, moods and lights; ``offsets`` shuffle them.

    The offsets come from the generation, so the four variants get four different slots.
    """
    slot = [(variant + k) % 4 for k in offsets]
    return Variation(
        turn=_TURNS[slot[0]] + float(rng.uniform(-0.08, 0.08)),
        tilt=float(rng.uniform(-7.0, 7.0)),
        expression=_EXPRESSIONS[slot[1]],
        gaze=float(rng.uniform(-0.25, 0.25)),
        brow_raise=float(rng.uniform(-0.4, 1.0)),
        light=1 if slot[2] % 2 == 0 else -1,
        composition=slot[3],
        parting=1 if slot[0] % 2 == 0 else -1,
        hair_volume=float(rng.uniform(0.96, 1.06)),
        shoulder_tilt=float(rng.uniform(-2.5, 2.5)),
    )
