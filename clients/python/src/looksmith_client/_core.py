"""Requests of the API family, shared by ``Client`` and ``AsyncClient`` (no I/O).

``Core`` builds every request and pairs it with its reader from ``_answers``; ``_flow`` adds
retries and waits on top, and the two clients only move bytes and time.
"""

from __future__ import annotations

import mimetypes
import os
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import quote

import httpx

from looksmith_client._answers import (
    api_error,
    parse_data,
    parse_looks,
    parse_nothing,
    parse_training_started,
)
from looksmith_client._errors import ApiError, ResponseError
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

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = 30.0
_IMAGE_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request and how to read its answer."""

    request: httpx.Request
    parse: Callable[[httpx.Response], T]


@dataclass(frozen=True)
class Image:
    """A downloaded image: its bytes and the file name to save it under."""

    name: str
    content: bytes


def sniff_content_type(data: bytes, name: str | None) -> str:
    """The MIME type of an upload: from the file name, else from the first bytes."""
    if name:
        guessed, _ = mimetypes.guess_type(name)
        if guessed:
            return guessed
    for magic, kind in _IMAGE_TYPES.items():
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


@dataclass
class Core:
    """Builds every request of the API family and says how to read each answer."""

    base_url: str
    api_key: str | None
    upload_url: str
    timeout: httpx.Timeout
    user_agent: str = "looksmith-client"

    @classmethod
    def configure(
        cls,
        *,
        base_url: str | None,
        api_key: str | None,
        upload_url: str | None,
        timeout: float | httpx.Timeout,
        environ: Mapping[str, str] | None = None,
    ) -> Core:
        """Arguments first, then ``LOOKSMITH_BASE_URL`` / ``LOOKSMITH_API_KEY``, then defaults."""
        env = os.environ if environ is None else environ
        base = (base_url or env.get("LOOKSMITH_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        return cls(
            base_url=base,
            api_key=api_key or env.get("LOOKSMITH_API_KEY") or None,
            upload_url=(upload_url or base).rstrip("/"),
            timeout=timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: object = None,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        base: str | None = None,
        read_timeout: float | None = None,
    ) -> httpx.Request:
        """A request to ``path`` with the key, a user agent and, on POST, an idempotency key."""
        sent: dict[str, str] = {"user-agent": self.user_agent, "accept": "application/json"}
        if self.api_key:
            sent["x-api-key"] = self.api_key
        if method == "POST":
            # The same key on every retry of this call: a server that keeps them (looksmith
            # does) replays the first answer instead of starting a second job.
            sent["idempotency-key"] = uuid.uuid4().hex
        sent.update(headers or {})
        timeout = self.timeout.as_dict()
        if read_timeout is not None:
            timeout["read"] = read_timeout
        return httpx.Request(
            method,
            f"{base or self.base_url}{path}",
            params=params,
            json=json_body,
            content=content,
            headers=sent,
            extensions={"timeout": timeout},
        )

    # -- photos and generations ------------------------------------------------------------

    def generate_photos(self, body: dict[str, str]) -> Call[Accepted]:
        """``POST /v2/photo_avatar/photo/generate``."""
        request = self.request("POST", "/v2/photo_avatar/photo/generate", json_body=body)
        return Call(request, lambda r: parse_data(r, Accepted))

    def generation(
        self,
        generation_id: str,
        *,
        include_progress: bool = False,
        headers: Mapping[str, str] | None = None,
        read_timeout: float | None = None,
    ) -> Call[Generation]:
        """``GET /v2/photo_avatar/generation/{id}``."""
        params = {"include": "progress"} if include_progress else None
        request = self.request(
            "GET",
            f"/v2/photo_avatar/generation/{_segment(generation_id)}",
            params=params,
            headers=headers,
            read_timeout=read_timeout,
        )
        return Call(request, lambda r: parse_data(r, Generation))

    def generate_looks(self, body: dict[str, str]) -> Call[Accepted]:
        """``POST /v2/photo_avatar/look/generate``."""
        request = self.request("POST", "/v2/photo_avatar/look/generate", json_body=body)
        return Call(request, lambda r: parse_data(r, Accepted))

    # -- uploads, groups, looks, training ----------------------------------------------------

    def upload(self, data: bytes, content_type: str) -> Call[Asset]:
        """``POST /v1/asset`` with the raw bytes as the body."""
        request = self.request(
            "POST",
            "/v1/asset",
            content=data,
            headers={"content-type": content_type},
            base=self.upload_url,
        )
        return Call(request, lambda r: parse_data(r, Asset))

    def create_group(
        self, name: str, image_key: str, generation_id: str | None = None
    ) -> Call[Look]:
        """``POST /v2/photo_avatar/avatar_group/create``."""
        body = {"name": name, "image_key": image_key}
        if generation_id is not None:
            body["generation_id"] = generation_id
        request = self.request("POST", "/v2/photo_avatar/avatar_group/create", json_body=body)
        return Call(request, lambda r: parse_data(r, Look))

    def add_looks(
        self, group_id: str, image_keys: list[str], name: str, generation_id: str | None = None
    ) -> Call[list[Look]]:
        """``POST /v2/photo_avatar/avatar_group/add``."""
        body: dict[str, object] = {"group_id": group_id, "image_keys": image_keys, "name": name}
        if generation_id is not None:
            body["generation_id"] = generation_id
        request = self.request("POST", "/v2/photo_avatar/avatar_group/add", json_body=body)
        return Call(request, parse_looks)

    def train(self, group_id: str) -> Call[TrainingStarted]:
        """``POST /v2/photo_avatar/train``."""
        request = self.request("POST", "/v2/photo_avatar/train", json_body={"group_id": group_id})
        return Call(request, parse_training_started)

    def training(
        self,
        group_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        read_timeout: float | None = None,
    ) -> Call[Training]:
        """``GET /v2/photo_avatar/train/status/{group_id}``."""
        request = self.request(
            "GET",
            f"/v2/photo_avatar/train/status/{_segment(group_id)}",
            headers=headers,
            read_timeout=read_timeout,
        )
        return Call(request, lambda r: parse_data(r, Training))

    def look(
        self,
        look_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        read_timeout: float | None = None,
    ) -> Call[Look]:
        """``GET /v2/photo_avatar/{id}``."""
        request = self.request(
            "GET",
            f"/v2/photo_avatar/{_segment(look_id)}",
            headers=headers,
            read_timeout=read_timeout,
        )
        return Call(request, lambda r: parse_data(r, Look))

    def groups(self, page: int, limit: int) -> Call[GroupList]:
        """``GET /v2/avatar_group.list``."""
        request = self.request(
            "GET", "/v2/avatar_group.list", params={"page": page, "limit": limit}
        )
        return Call(request, lambda r: parse_data(r, GroupList))

    def looks(self, group_id: str, page: int, limit: int) -> Call[LookList]:
        """``GET /v2/avatar_group/{group_id}/avatars``."""
        request = self.request(
            "GET",
            f"/v2/avatar_group/{_segment(group_id)}/avatars",
            params={"page": page, "limit": limit},
        )
        return Call(request, lambda r: parse_data(r, LookList))

    def delete_look(self, look_id: str) -> Call[None]:
        """``DELETE /v2/photo_avatar/{id}``."""
        request = self.request("DELETE", f"/v2/photo_avatar/{_segment(look_id)}")
        return Call(request, parse_nothing)

    def delete_group(self, group_id: str) -> Call[None]:
        """``DELETE /v2/photo_avatar_group/{id}``."""
        request = self.request("DELETE", f"/v2/photo_avatar_group/{_segment(group_id)}")
        return Call(request, parse_nothing)

    def add_motion(
        self, look_id: str, prompt: str | None, motion_type: str | None
    ) -> Call[NewLook]:
        """``POST /v2/photo_avatar/add_motion``."""
        body = {"id": look_id}
        if prompt is not None:
            body["prompt"] = prompt
        if motion_type is not None:
            body["motion_type"] = motion_type
        request = self.request("POST", "/v2/photo_avatar/add_motion", json_body=body)
        return Call(request, lambda r: parse_data(r, NewLook))

    def add_sound_effect(self, look_id: str) -> Call[SoundEffectStarted]:
        """``POST /v2/photo_avatar/add_sound_effect``."""
        request = self.request(
            "POST", "/v2/photo_avatar/add_sound_effect", json_body={"id": look_id}
        )
        return Call(request, lambda r: parse_data(r, SoundEffectStarted))

    def upscale(self, look_id: str) -> Call[NewLook]:
        """``POST /v2/photo_avatar/upscale``."""
        request = self.request("POST", "/v2/photo_avatar/upscale", json_body={"id": look_id})
        return Call(request, lambda r: parse_data(r, NewLook))

    def image(self, url: str, name: str) -> Call[Image]:
        """A signed image link; no key is sent, the link carries its own signature."""
        request = httpx.Request(
            "GET",
            url,
            headers={"user-agent": self.user_agent},
            extensions={"timeout": self.timeout.as_dict()},
        )
        return Call(request, lambda r: _image(r, name))


def _image(response: httpx.Response, name: str) -> Image:
    if response.status_code == 403:
        # Not the API key (links carry no key): the link's signature expired or is wrong.
        raise ApiError(
            "the image link was refused: its signature expired or does not match",
            status_code=403,
            code="image_link_refused",
            request_id=response.headers.get("x-request-id"),
        )
    if response.status_code >= 400:
        raise api_error(response)
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if not 200 <= response.status_code < 300 or not kind.startswith("image/"):
        raise ResponseError(
            f"the image link answered {response.status_code} {kind or 'without a type'},"
            " not an image"
        )
    return Image(name=name + _EXTENSIONS.get(kind, ".img"), content=response.content)


def _segment(value: str) -> str:
    """An id as one path segment: no slashes or dots can walk elsewhere on the server."""
    return quote(value, safe="")


def image_names(generation: Generation) -> list[tuple[str, str]]:
    """(url, file stem) for each image of a finished generation.

    The stem comes from the server's id, so it is reduced to letters, digits, ``_`` and ``-``:
    no id can name a path outside the folder (``../x``, ``/etc/x``) or a hidden file.
    """
    urls = generation.image_url_list or []
    stem = re.sub(r"[^A-Za-z0-9_-]", "_", generation.id) or "generation"
    return [(url, f"{stem}_{index}") for index, url in enumerate(urls, start=1)]


def save(folder: Path, image: Image) -> Path:
    """Writes ``image`` under ``folder`` (created if needed), whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / image.name
    if path.resolve().parent != folder.resolve():
        raise ResponseError(f"refusing to save {image.name!r}: it is not a plain file name")
    partial = path.with_name(path.name + ".part")
    try:
        partial.write_bytes(image.content)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)  # a half-written file is never left behind
        raise
    return path
