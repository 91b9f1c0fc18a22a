"""Prompts for the diffusion engine, built from HeyGen's eight photo attributes.

Photo prompt (``photo_prompt``)::

    {style lead}, {framing}, {age} {ethnicity} {person}, {appearance}, {style tail}

- *style lead / tail* per ``style``: Realistic "professional portrait photograph" / "natural
  light, sharp focus, 85mm, detailed skin"; Pixar "3d animated character render, pixar style" /
  "soft global illumination, vibrant colours"; Cinematic "cinematic film still" / "dramatic
  lighting, shallow depth of field, anamorphic"; Vintage "vintage photograph" / "film grain,
  faded colours, 1970s"; Noir "black and white film noir photograph" / "high contrast, hard
  shadows"; Cyberpunk "cyberpunk portrait" / "neon lights, rain, night city"; Unspecified
  "portrait photograph" / "high quality".
- *framing* per ``pose``: close_up "close-up headshot, face filling the frame"; half_body
  "half-body portrait, from the waist up"; full_body "full-body shot, standing, head to toe".
- *age*: "young adult" (Young Adult), "early middle-aged" (Early Middle Age), "late
  middle-aged" (Late Middle Age), "senior"; Unspecified leaves it out.
- *ethnicity*: HeyGen's words in lower case ("east asian", "black", ...); Unspecified leaves
  it out.
- *person*: "woman", "man", or "person" (Unspecified).
- *appearance*: the request's free text, as given.
- The orientation is not in the prompt: it sets the picture's size.

Look prompt (``look_prompt``): the same lead, framing and tail around
``photo of {token} person, {prompt}``, where ``token`` is the rare identity token the group's
LoRA was trained with.

Negative prompt (``NEGATIVE_PROMPT``, both kinds): deformed anatomy, extra limbs, text,
watermarks, blur and low quality; Realistic adds "cartoon, illustration"; Pixar adds
"photograph".
"""

from __future__ import annotations

from looksmith.domain.specs import Age, Ethnicity, Gender, LookSpec, PhotoSpec, Pose, Style

STYLE_WORDS: dict[Style, tuple[str, str]] = {
    Style.REALISTIC: (
        "professional portrait photograph",
        "natural light, sharp focus, 85mm, detailed skin",
    ),
    Style.PIXAR: (
        "3d animated character render, pixar style",
        "soft global illumination, vibrant colours",
    ),
    Style.CINEMATIC: (
        "cinematic film still",
        "dramatic lighting, shallow depth of field, anamorphic",
    ),
    Style.VINTAGE: ("vintage photograph", "film grain, faded colours, 1970s"),
    Style.NOIR: ("black and white film noir photograph", "high contrast, hard shadows"),
    Style.CYBERPUNK: ("cyberpunk portrait", "neon lights, rain, night city"),
    Style.UNSPECIFIED: ("portrait photograph", "high quality"),
}

POSE_WORDS: dict[Pose, str] = {
    Pose.CLOSE_UP: "close-up headshot, face filling the frame",
    Pose.HALF_BODY: "half-body portrait, from the waist up",
    Pose.FULL_BODY: "full-body shot, standing, head to toe",
}

AGE_WORDS: dict[Age, str] = {
    Age.YOUNG_ADULT: "young adult",
    Age.EARLY_MIDDLE_AGE: "early middle-aged",
    Age.LATE_MIDDLE_AGE: "late middle-aged",
    Age.SENIOR: "senior",
    Age.UNSPECIFIED: "",
}

GENDER_WORDS: dict[Gender, str] = {
    Gender.WOMAN: "woman",
    Gender.MAN: "man",
    Gender.UNSPECIFIED: "person",
}

NEGATIVE_PROMPT = (
    "deformed, disfigured, bad anatomy, extra limbs, extra fingers, mutated hands, "
    "text, watermark, logo, signature, blurry, low quality, jpeg artifacts"
)

_NEGATIVE_EXTRA: dict[Style, str] = {
    Style.REALISTIC: "cartoon, illustration, 3d render",
    Style.PIXAR: "photograph",
}


def photo_prompt(spec: PhotoSpec) -> str:
    """The prompt for a photo generation."""
    ethnicity = "" if spec.ethnicity is Ethnicity.UNSPECIFIED else spec.ethnicity.value.lower()
    person = " ".join(
        word for word in (AGE_WORDS[spec.age], ethnicity, GENDER_WORDS[spec.gender]) if word
    )
    return _frame(spec.style, spec.pose, person, spec.appearance)


def look_prompt(spec: LookSpec, token: str) -> str:
    """The prompt for a look of the person trained with identity ``token``."""
    return _frame(spec.style, spec.pose, f"photo of {token} person", spec.prompt)


def training_prompt(token: str) -> str:
    """The instance prompt the LoRA learns the person with."""
    return f"photo of {token} person"


def negative_prompt(style: Style) -> str:
    """What the picture should not show."""
    extra = _NEGATIVE_EXTRA.get(style)
    return f"{NEGATIVE_PROMPT}, {extra}" if extra else NEGATIVE_PROMPT


def _frame(style: Style, pose: Pose, subject: str, free_text: str) -> str:
    lead, tail = STYLE_WORDS[style]
    parts = [lead, POSE_WORDS[pose], subject, free_text.strip(), tail]
    return ", ".join(part for part in parts if part)
