"""Output of the client commands: Rich tables for people, JSON for scripts, progress on stderr."""

from __future__ import annotations

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

from looksmith.client import Generation, Look, Training

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
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


def badge(status: str) -> str:
    """A status in its colour."""
    style = _STATUS_STYLE.get(status.lower(), "yellow")
    return f"[{style}]{status}[/{style}]"


def fields(title: str, rows: Sequence[tuple[str, object]]) -> None:
    """A two-column table of a single object."""
    table = Table(title=title, show_header=False, title_justify="left", box=None, padding=(0, 2))
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for name, value in rows:
        table.add_row(name, "-" if value is None or value == "" else str(value))
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
        table.add_row(*("-" if cell is None else str(cell) for cell in row))
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
def waiting(what: str, *, quiet: bool) -> Iterator[Callable[[Any], None]]:
    """A spinner (and a bar once the server reports progress) on stderr while waiting.

    Yields the progress callback for ``wait``; quiet (for ``--json``) shows nothing.
    """
    if quiet:
        yield lambda _: None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
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
