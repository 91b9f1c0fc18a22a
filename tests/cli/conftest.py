"""Fixtures of the command-line suites."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The data directory the commands run on."""
    return tmp_path
