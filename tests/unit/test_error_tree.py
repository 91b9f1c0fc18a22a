"""The error tree drawn in ``errors.py``'s docstring is the hierarchy the module defines."""

from __future__ import annotations

import inspect
import re

from looksmith import errors
from looksmith.errors import LooksmithError

ROW = re.compile(
    r"^(?P<tree>[│├└─ ]*)(?P<name>[A-Z]\w+)\s+(?P<status>\d{3})\s+(?P<code>[a-z_]+)\s+(?P<v1>\d+)"
)
INDENT = 4  # "├── " and "│   " are one level each


def drawn() -> dict[str, tuple[str | None, int, str, int]]:
    """Each drawn class: its parent as drawn, status, code and v1 code."""
    rows: dict[str, tuple[str | None, int, str, int]] = {}
    parents: list[str] = []
    for line in (errors.__doc__ or "").splitlines():
        match = ROW.match(line)
        if match is None:
            continue
        depth = len(match["tree"]) // INDENT
        del parents[depth:]
        parent = parents[-1] if parents else None
        rows[match["name"]] = (parent, int(match["status"]), match["code"], int(match["v1"]))
        parents.append(match["name"])
    return rows


def defined() -> dict[str, tuple[str | None, int, str, int]]:
    """Each error class of the module: its base, status, code and v1 code."""
    classes = inspect.getmembers(errors, inspect.isclass)
    return {
        name: (
            None if cls is LooksmithError else cls.__bases__[0].__name__,
            cls.status,
            cls.code,
            cls.v1_code,
        )
        for name, cls in classes
        if issubclass(cls, LooksmithError) and cls.__module__ == errors.__name__
    }


def test_the_docstring_tree_matches_the_classes_their_bases_and_codes():
    assert drawn() == defined()


def test_the_tree_is_read_at_all():
    assert len(drawn()) >= 10 and drawn()["QuotaExceeded"][0] == "RateLimited"
