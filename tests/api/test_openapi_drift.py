"""The committed ``openapi.json`` is the app's document; regenerate it with ``make openapi``."""

from __future__ import annotations

from pathlib import Path

from looksmith.api.openapi import render


def test_committed_openapi_matches_the_app():
    committed = (Path(__file__).parents[2] / "openapi.json").read_text()
    assert committed == render(), "openapi.json is stale: run `make openapi` and review the diff"
