"""Helpers shared by the test suites."""

from __future__ import annotations

VALID_BODY: dict[str, str] = {
    "name": "Ada",
    "age": "Young Adult",
    "gender": "Woman",
    "ethnicity": "East Asian",
    "orientation": "square",
    "pose": "half_body",
    "style": "Realistic",
    "appearance": "red hoodie, glasses",
}
