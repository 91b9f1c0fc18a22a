"""The install is reproducible: what runs is what ``constraints.txt`` pins, and it pins everything.

``make`` and ``.ci/run`` install with ``-c constraints.txt``; these tests fail when an install
step forgets it, or when a dependency is added to ``pyproject.toml`` without refreshing the file.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def _declared() -> set[str]:
    """Every third-party distribution pyproject.toml names, in dependencies and extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        lines.extend(extra)
    names = {canonicalize_name(Requirement(line).name) for line in lines}
    return {name for name in names if not name.startswith("looksmith")}


def test_every_declared_dependency_is_pinned() -> None:
    missing = sorted(_declared() - _pins().keys())
    assert not missing, f"not in constraints.txt (run make constraints): {missing}"


def test_constraints_pin_exact_versions_only() -> None:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    loose = [line for line in lines if line.strip() and not line.startswith("#")]
    assert [line for line in loose if not PIN.match(line)] == []


def test_torch_is_pinned_to_the_release_on_disk() -> None:
    assert _pins()["torch"] == "2.13.0"


@pytest.mark.parametrize("name", sorted(_pins()))
def test_installed_version_is_the_pinned_one(name: str) -> None:
    try:
        installed = metadata.version(name)
    except metadata.PackageNotFoundError:
        pytest.skip(f"{name} is not installed (an optional extra)")
    # torch's local label (+cpu, +cu128) names the build, not the release.
    assert Version(installed).public == Version(_pins()[name]).public
