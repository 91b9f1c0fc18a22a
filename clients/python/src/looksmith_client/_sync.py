"""``Client``: the blocking client; every decision is in the shared flows."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import httpx

from looksmith_client._base import (
    DEFAULT_WAIT_TIMEOUT,
    BaseClient,
    Progress,
    accepted_id,
    look_body,
    photo_body,
    read_upload,
)
from looksmith_client._core import DEFAULT_TIMEOUT, save
from looksmith_client._flow import Flow, Now, RetryPolicy, Send, Sleep
from looksmith_client._models import (
    Accepted,
    Asset,
    Generation,
    GroupList,
    Look,
    LookList,
    NewLook,
    SoundEffectStarted,
    Training,
    TrainingStarted,
)

T = TypeVar("T")


class Client(BaseClient):
    """A blocking client of the v2 photo-avatar API.

    ``base_url`` and ``api_key`` default to ``LOOKSMITH_BASE_URL`` and ``LOOKSMITH_API_KEY``;
    ``transport`` replaces the network (``httpx.MockTransport`` in tests); ``sleep`` and
    ``clock`` replace ``time.sleep`` and ``time.monotonic``. Use it as a context manager, or
    call ``close()``.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        upload_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            base_url, api_key, upload_url=upload_url, timeout=timeout, retry=retry, clock=clock
        )
        self._http = httpx.Client(transport=transport)
        self._sleep = sleep

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def _drive(self, flow: Flow[T]) -> T:
        outcome: Any = None
        try:
            while True:
                op = flow.send(outcome)
                outcome = None
                if isinstance(op, Send):
                    try:
                        outcome = self._http.send(op.request)
                    except httpx.TransportError as exc:
                        outcome = exc
                elif isinstance(op, Sleep):
                    self._sleep(op.seconds)
                elif isinstance(op, Now):
                    outcome = self._clock()
        except StopIteration as stop:
            result: T = stop.value
            return result

    # -- photos ------------------------------------------------------------------------------

    def generate_photos(
        self,
        *,
        name: str,
        age: str,
        gender: str,
        ethnicity: str,
        orientation: str,
        pose: str,
        style: str,
        appearance: str,
        callback_url: str | None = None,
        callback_id: str | None = None,
    ) -> Accepted:
        """Start a generation of four photos; enums ``Age``, ``Gender``... list the values."""
        body = photo_body(
            name=name,
            age=age,
            gender=gender,
            ethnicity=ethnicity,
            orientation=orientation,
            pose=pose,
            style=style,
            appearance=appearance,
            callback_url=callback_url,
            callback_id=callback_id,
        )
        return self._drive(self._perform(self._core.generate_photos(body)))

    def generation(
        self, generation_id: str | Accepted, *, include_progress: bool = False
    ) -> Generation:
        """The status of a photo or look generation (with progress fields if asked and offered)."""
        call = self._core.generation(accepted_id(generation_id), include_progress=include_progress)
        return self._drive(self._perform(call))

    def wait(
        self,
        generation_id: str | Accepted,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: Progress[Generation] | None = None,
        poll_interval: float = 1.0,
    ) -> Generation:
        """Wait until a generation succeeds or fails, and return it; raises ``WaitTimeout``.

        Uses long polls and ETags where the server offers them, plain polls every
        ``poll_interval`` seconds elsewhere. ``on_progress`` is called with every new state.
        """
        flow = self._wait_generation(
            accepted_id(generation_id), timeout, poll_interval, on_progress
        )
        return self._drive(flow)

    def download(self, generation: Generation, folder: str | Path) -> list[Path]:
        """Save a finished generation's images under ``folder``; returns the files."""
        images = self._drive(self._download(generation))
        return [save(Path(folder), image) for image in images]

    # -- uploads, groups, training, looks ---------------------------------------------------

    def upload(self, file: str | Path | bytes, *, content_type: str | None = None) -> Asset:
        """Upload a photo (a path or bytes); the type comes from the name or the bytes."""
        data, name = read_upload(file)
        return self._drive(self._perform(self._upload_call(data, name, content_type)))

    def create_group(self, *, name: str, image_key: str, generation_id: str | None = None) -> Look:
        """Create a group from an uploaded or generated image; its first look is returned."""
        call = self._core.create_group(name, image_key, generation_id)
        return self._drive(self._perform(call))

    def add_looks(
        self,
        *,
        group_id: str,
        image_keys: list[str],
        name: str,
        generation_id: str | None = None,
    ) -> list[Look]:
        """Add one to four images to a group as looks."""
        call = self._core.add_looks(group_id, image_keys, name, generation_id)
        return self._drive(self._perform(call))

    def wait_look(
        self,
        look_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: Progress[Look] | None = None,
        poll_interval: float = 1.0,
    ) -> Look:
        """Wait until a look's checks end (``completed`` or ``failed``) and return it."""
        return self._drive(self._wait_look(look_id, timeout, poll_interval, on_progress))

    def train(self, group_id: str) -> TrainingStarted:
        """Start training a group."""
        return self._drive(self._perform(self._core.train(group_id)))

    def training(self, group_id: str) -> Training:
        """A group's training status."""
        return self._drive(self._perform(self._core.training(group_id)))

    def wait_training(
        self,
        group_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        on_progress: Progress[Training] | None = None,
        poll_interval: float = 1.0,
    ) -> Training:
        """Wait until a training is ``ready`` or ``failed`` and return it (ETag-aware polls)."""
        return self._drive(self._wait_training(group_id, timeout, poll_interval, on_progress))

    def generate_looks(
        self, *, group_id: str, prompt: str, orientation: str, pose: str, style: str
    ) -> Accepted:
        """Start a generation of four new looks for a trained group."""
        body = look_body(
            group_id=group_id, prompt=prompt, orientation=orientation, pose=pose, style=style
        )
        return self._drive(self._perform(self._core.generate_looks(body)))

    def look(self, look_id: str) -> Look:
        """One look's details."""
        return self._drive(self._perform(self._core.look(look_id)))

    def groups(self, *, page: int = 1, limit: int = 50) -> GroupList:
        """One page of groups."""
        return self._drive(self._perform(self._core.groups(page, limit)))

    def looks(self, group_id: str, *, page: int = 1, limit: int = 50) -> LookList:
        """One page of a group's looks."""
        return self._drive(self._perform(self._core.looks(group_id, page, limit)))

    def delete_look(self, look_id: str) -> None:
        """Delete one look."""
        self._drive(self._perform(self._core.delete_look(look_id)))

    def delete_group(self, group_id: str) -> None:
        """Delete a group with its looks and generated images."""
        self._drive(self._perform(self._core.delete_group(group_id)))

    # -- motion, sound, upscale ------------------------------------------------------------

    def add_motion(
        self, look_id: str, *, prompt: str | None = None, motion_type: str | None = None
    ) -> NewLook:
        """Start a motion version of a look; ``wait_look`` on the new id."""
        call = self._core.add_motion(look_id, prompt, motion_type)
        return self._drive(self._perform(call))

    def add_sound_effect(self, look_id: str) -> SoundEffectStarted:
        """Add a background sound effect to a motion look; ``look`` shows its status."""
        return self._drive(self._perform(self._core.add_sound_effect(look_id)))

    def upscale(self, look_id: str) -> NewLook:
        """Start an upscaled copy of a motion look; ``wait_look`` on the new id."""
        return self._drive(self._perform(self._core.upscale(look_id)))
