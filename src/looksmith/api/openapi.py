"""Prints the OpenAPI document of the app (``make openapi`` commits it as ``openapi.json``)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from looksmith.api.app import create_app
from looksmith.config import Settings


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of an app built with default settings in a scratch folder."""
    with tempfile.TemporaryDirectory() as scratch:
        app = create_app(Settings(data_dir=Path(scratch)))
        return app.openapi()


def render() -> str:
    """The document as the committed file holds it."""
    return json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(render(), end="")
