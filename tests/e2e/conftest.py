"""End-to-end tests run against the service embedded, and again scaled out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.deployment import Deployment, embedded, scaled_out


@pytest.fixture(params=["embedded", "scaled-out"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    """A running deployment on fresh state."""
    start = embedded if request.param == "embedded" else scaled_out
    with start(tmp_path / "data") as deployment:
        yield deployment
