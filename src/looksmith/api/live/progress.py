"""The progress feed: keeps the progress map current and wakes event streams, through the hub.

The map is updated in the thread that publishes a change, before any stream is woken, so a
woken stream reads the new count.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from looksmith.api.live.hub import ChangeHub
from looksmith.domain.models import StatusChange
from looksmith.services.progress import ProgressService


def is_generation_change(change: StatusChange) -> bool:
    """Whether a progress stream cares about ``change``: a generation's status or progress."""
    return change.kind.startswith("generation")


class ProgressFeed:
    """Streams waiting for changes, by generation id and by tenant id."""

    def __init__(self, service: ProgressService, hub: ChangeHub) -> None:
        self.service = service
        self._hub = hub
        hub.observe(self._observe)

    @property
    def streams(self) -> int:
        """How many streams wait right now."""
        return self._hub.waiting(is_generation_change)

    @contextmanager
    def watch(self, generation_id: str) -> Iterator[asyncio.Event]:
        """An event set when the generation changes; watch before reading, so nothing is missed."""
        with self._hub.watch(generation_id, is_generation_change) as changed:
            yield changed

    @property
    def closing(self) -> bool:
        """Whether the server is shutting down: streams end instead of waiting again."""
        return self._hub.closing

    @contextmanager
    def watch_tenant(self, tenant_id: str) -> Iterator[asyncio.Queue[StatusChange | None]]:
        """The tenant's generation changes from now on (None: the server is closing)."""
        with self._hub.follow(tenant_id, is_generation_change) as changes:
            yield changes

    async def report(self, tenant_id: str, generation_id: str) -> dict[str, Any]:
        """The opt-in progress fields of one of the tenant's generations."""

        def read() -> dict[str, Any]:
            generation = self.service.get(tenant_id=tenant_id, generation_id=generation_id)
            return asdict(self.service.report(generation))

        return await run_in_threadpool(read)

    def _observe(self, change: StatusChange) -> None:
        if is_generation_change(change):
            self.service.observe(change)


async def _progress_feed(request: Request) -> ProgressFeed:
    feed: ProgressFeed = request.app.state.progress_feed
    return feed


def wants_progress(include: str | None) -> bool:
    """Whether ``?include=`` (a comma-separated list) asks for the progress fields."""
    return include is not None and "progress" in {part.strip() for part in include.split(",")}


def with_progress(body: bytes, fields: dict[str, Any]) -> bytes:
    """A status envelope with the progress fields added to its ``data``."""
    envelope = json.loads(body)
    envelope["data"].update(fields)
    return json.dumps(envelope).encode()


Progress = Annotated[ProgressFeed, Depends(_progress_feed)]
