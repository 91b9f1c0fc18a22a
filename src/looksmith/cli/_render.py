"""Output of the client commands: Rich tables for people, JSON for scripts, progress on stderr."""

from __future__ import annotations

import errno
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from looksmith_client import Generation, Look, Training


class _Console(Console):
    """Rich's console, except that a closed pipe reaches ``main`` (Rich itself exits 1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, "the reader closed the pipe")


# Markup off: names, ids and messages come from users and servers, and a ``[/x]`` in a group's
# name must print as it is, not be read as a style (or crash the table). Colour goes only
# through ``Text`` objects built here (``badge``).
out = _Console(highlight=False, soft_wrap=True, markup=False)
err = _Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
if not out.is_terminal:
    out.width = 1000  # piped: keep links whole on one line, never folded at 80 columns

_STATUS_STYLE = {"success": "green", "completed": "green", "ready": "green", "failed": "red"}


def dump(value: BaseModel | Sequence[BaseModel] | dict[str, Any]) -> Any:
    """The JSON form of a result, with the API's own field names."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, dict):
        return {key: dump(item) if isinstance(item, BaseModel) else item
                for key, item in value.items()}  # fmt: skip
    return [dump(item) for item in value]


def emit_json(value: BaseModel | Sequence[BaseModel] | dict[str, Any]) -> None:
    """Print one JSON document on stdout."""
    print(json.dumps(dump(value), indent=2))


def badge(status: str) -> Text:
    """A status in its colour."""
    return Text(status, style=_STATUS_STYLE.get(status.lower(), "yellow"))


def cell(value: object) -> Text:
    """A table cell, shown as it is: never read as markup; a badge keeps its colour."""
    if isinstance(value, Text):
        return value
    return Text("-" if value is None or value == "" else str(value))


def fields(title: str, rows: Sequence[tuple[str, object]]) -> None:
    """A two-column table of a single object."""
    table = Table(title=title, show_header=False, title_justify="left", box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for name, value in rows:
        table.add_row(name, cell(value))
    out.print(table)


def listing(title: str, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A table of several objects."""
    if not rows:
        out.print(f"{title}: none")
        return
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(cell(value) for value in row))
    out.print(table)


def generation(result: Generation, files: Sequence[Path] = ()) -> None:
    """A generation, its images or saved files."""
    rows: list[tuple[str, object]] = [("id", result.id), ("status", badge(result.status))]
    if result.msg:
        rows.append(("message", result.msg))
    if files:
        rows.extend((f"file {i}", path) for i, path in enumerate(files, start=1))
    else:
        rows.extend((f"image {i}", url) for i, url in enumerate(result.image_url_list or [], 1))
    fields("generation", rows)


def look(result: Look) -> None:
    """One look."""
    fields(
        "look",
        [
            ("id", result.id),
            ("group", result.group_id),
            ("name", result.name),
            ("status", badge(result.status)),
            ("message", result.moderation_msg),
            ("image", result.image_url),
        ],
    )


def training(group_id: str, result: Training) -> None:
    """A group's training."""
    fields(
        "training",
        [("group", group_id), ("status", badge(result.status)), ("error", result.error_msg)],
    )


@contextmanager
def waiting(what: str, *, quiet: bool) -> Iterator[Callable[[Any], None] | None]:
    """A spinner (and a bar once the server reports progress) on stderr while waiting.

    Yields the progress callback for ``wait``; quiet (for ``--json``) yields None, so the wait
    long-polls instead of asking for progress every second.
    """
    if quiet:
        yield None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(what, total=None)

        def report(state: Any) -> None:
            status = getattr(state, "status", "")
            fraction = getattr(state, "progress", None)
            bar.update(task, description=f"{what}: {status}")
            if fraction is not None:
                bar.update(task, total=1.0, completed=float(fraction))

        yield report
