"""Fixtures for end-to-end tests against a real server process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import Server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A running server on a fresh data folder."""
    running = Server(data_dir=tmp_path / "data")
    running.data_dir.mkdir()
    running.create_key("bootstrap")  # migrates, so the server start is quick
    running.start()
    yield running
    running.stop()
