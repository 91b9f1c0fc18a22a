"""What ``Client`` and ``AsyncClient`` share: configuration and every flow they drive."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx

from looksmith_client._core import DEFAULT_TIMEOUT, Call, Core, Image, sniff_content_type
from looksmith_client._flow import Flow, RetryPolicy, Waiter, download, perform, wait
from looksmith_client._models import Accepted, Asset, Generation, Look, Training

T = TypeVar("T")
Progress = Callable[[T], object]

DEFAULT_WAIT_TIMEOUT = 600.0
PROGRESS_HOLD = 1  # seconds a poll is held when progress is shown, so the numbers move


class BaseClient:
    """Configuration and flows; subclasses add the I/O."""

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        upload_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._core = Core.configure(
            base_url=base_url, api_key=api_key, upload_url=upload_url, timeout=timeout
        )
        self._retry = retry or RetryPolicy()
        self._clock = clock

    @property
    def base_url(self) -> str:
        """The server's address, e.g. ``http://127.0.0.1:8000``."""
        return self._core.base_url

    @property
    def has_key(self) -> bool:
        """Whether an API key was given or found in ``LOOKSMITH_API_KEY``."""
        return self._core.api_key is not None

    def _perform(self, call: Call[T]) -> Flow[T]:
        return perform(call, self._retry)

    def _upload_call(self, data: bytes, name: str | None, content_type: str | None) -> Call[Asset]:
        return self._core.upload(data, content_type or sniff_content_type(data, name))

    def _generation_waiter(
        self,
        generation_id: str,
        timeout: float,
        poll_interval: float,
        on_progress: Progress[Generation] | None,
    ) -> Waiter[Generation]:
        # With a progress callback the polls carry the progress fields and are held briefly, so
        # the numbers move; a held poll still wakes on the finishing event.
        progress = on_progress is not None

        def build(headers: dict[str, str], read_timeout: float | None) -> Call[Generation]:
            return self._core.generation(
                generation_id,
                include_progress=progress,
                headers=headers,
                read_timeout=read_timeout,
            )

        return Waiter(
            build=build,
            finished=lambda generation: generation.finished,
            timeout=timeout,
            interval=poll_interval,
            hold=PROGRESS_HOLD if progress else 30,
            conditional=not progress,
        )

    def _wait_generation(
        self,
        generation_id: str,
        timeout: float,
        poll_interval: float,
        on_progress: Progress[Generation] | None,
    ) -> Flow[Generation]:
        waiter = self._generation_waiter(generation_id, timeout, poll_interval, on_progress)
        return wait(waiter, self._retry, on_progress)

    def _wait_status(
        self,
        build: Callable[[dict[str, str], float | None], Call[T]],
        finished: Callable[[T], bool],
        timeout: float,
        poll_interval: float,
        on_progress: Progress[T] | None,
    ) -> Flow[T]:
        """A wait on a status read (training, look): long polls and ETags where offered."""
        waiter: Waiter[T] = Waiter(
            build=build, finished=finished, timeout=timeout, interval=poll_interval
        )
        return wait(waiter, self._retry, on_progress)

    def _wait_training(
        self,
        group_id: str,
        timeout: float,
        poll_interval: float,
        on_progress: Progress[Training] | None,
    ) -> Flow[Training]:
        return self._wait_status(
            lambda headers, read_timeout: self._core.training(
                group_id, headers=headers, read_timeout=read_timeout
            ),
            lambda training: training.finished,
            timeout,
            poll_interval,
            on_progress,
        )

    def _wait_look(
        self,
        look_id: str,
        timeout: float,
        poll_interval: float,
        on_progress: Progress[Look] | None,
    ) -> Flow[Look]:
        return self._wait_status(
            lambda headers, read_timeout: self._core.look(
                look_id, headers=headers, read_timeout=read_timeout
            ),
            lambda look: look.finished,
            timeout,
            poll_interval,
            on_progress,
        )

    def _download(self, generation: Generation) -> Flow[list[Image]]:
        return download(generation, self._core.image, self._core.generation, self._retry)


def read_upload(file: str | Path | bytes) -> tuple[bytes, str | None]:
    """The bytes of an upload and its file name, if it has one."""
    if isinstance(file, bytes):
        return file, None
    path = Path(file)
    return path.read_bytes(), path.name


def photo_body(
    *,
    name: str,
    age: str,
    gender: str,
    ethnicity: str,
    orientation: str,
    pose: str,
    style: str,
    appearance: str,
    callback_url: str | None,
    callback_id: str | None,
) -> dict[str, str]:
    """The body of a photo generation."""
    body = {
        "name": name,
        "age": str(age),
        "gender": str(gender),
        "ethnicity": str(ethnicity),
        "orientation": str(orientation),
        "pose": str(pose),
        "style": str(style),
        "appearance": appearance,
    }
    if callback_url is not None:
        body["callback_url"] = callback_url
    if callback_id is not None:
        body["callback_id"] = callback_id
    return body


def look_body(
    *, group_id: str, prompt: str, orientation: str, pose: str, style: str
) -> dict[str, str]:
    """The body of a look generation."""
    return {
        "group_id": group_id,
        "prompt": prompt,
        "orientation": str(orientation),
        "pose": str(pose),
        "style": str(style),
    }


def accepted_id(generation: str | Accepted) -> str:
    """A generation id, from the id itself or the answer to a generate call."""
    return generation.generation_id if isinstance(generation, Accepted) else generation
