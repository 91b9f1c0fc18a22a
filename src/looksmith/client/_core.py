"""Requests and answers of the API family, shared by ``Client`` and ``AsyncClient`` (no I/O).

Builds every request and reads every answer, mapping error envelopes to exceptions;
``_flow`` adds retries and waits on top, and the two clients only move bytes and time.
"""

from __future__ import annotations

import email.utils
import json
import mimetypes
import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from looksmith.client._errors import (
    ApiError,
    BadRequest,
    Conflict,
    NotFound,
    RateLimited,
    ResponseError,
    ServerError,
    Unauthorized,
)
from looksmith.client._models import (
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
M = TypeVar("M", bound=BaseModel)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_TIMEOUT = 30.0
RETRY_STATUSES = frozenset({429, 503})
_ERROR_CLASSES: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Unauthorized,
    404: NotFound,
    409: Conflict,
    413: BadRequest,
    415: BadRequest,
    422: BadRequest,
    429: RateLimited,
}
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


def retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (either form), or None when absent or unreadable."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def api_error(response: httpx.Response) -> ApiError:
    """The exception for an error answer, from either envelope form (or none)."""
    message, code, param = _error_fields(response)
    cls = _ERROR_CLASSES.get(response.status_code)
    if cls is None:
        cls = ServerError if response.status_code >= 500 else ApiError
    fields: dict[str, Any] = {
        "status_code": response.status_code,
        "code": code,
        "param": param,
        "request_id": response.headers.get("x-request-id"),
    }
    if cls is RateLimited:
        return RateLimited(message, retry_after=retry_after(response), **fields)
    return cls(message, **fields)


def _error_fields(response: httpx.Response) -> tuple[str, str | None, str | None]:
    fallback = response.reason_phrase or f"HTTP {response.status_code}"
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return fallback, None, None
    if not isinstance(body, dict):
        return fallback, None, None
    error = body.get("error")
    if isinstance(error, dict):  # object form: {"error": {"code", "message", "param"}}
        return (
            str(error.get("message") or fallback),
            _text(error.get("code")),
            _text(error.get("param")),
        )
    if isinstance(error, str):  # string form: {"error": "msg", "code": "...", "data": null}
        return error, _text(body.get("code")), None
    message = body.get("message") or body.get("msg")  # v1 form: {"code": 400xxx, "message"}
    return (str(message) if message else fallback), _text(body.get("code")), None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def parse_data(response: httpx.Response, model: type[M]) -> M:
    """The ``data`` of a success envelope as ``model``; raises the mapped error otherwise."""
    data = _data(response)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ResponseError(f"unexpected answer from the server: {exc}") from exc


def parse_looks(response: httpx.Response) -> list[Look]:
    """The looks of an add-looks answer."""
    data = _data(response)
    looks = data.get("photo_avatar_list") if isinstance(data, dict) else None
    if not isinstance(looks, list):
        raise ResponseError("unexpected answer from the server: no photo_avatar_list")
    return [Look.model_validate(look) for look in looks]


def parse_nothing(response: httpx.Response) -> None:
    """Checks an answer that carries nothing (a delete)."""
    _data(response, allow_empty=True)


def parse_training_started(response: httpx.Response) -> TrainingStarted:
    """A training answer; ``data`` may be null on some servers."""
    data = _data(response, allow_empty=True)
    return TrainingStarted.model_validate(data or {})


def _data(response: httpx.Response, *, allow_empty: bool = False) -> Any:
    if response.status_code >= 400:
        raise api_error(response)
    if allow_empty and not response.content:
        return None
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ResponseError(f"the server did not answer JSON ({response.status_code})") from exc
    if not isinstance(body, dict):
        raise ResponseError("the server's answer is not a JSON object")
    # v2 envelopes put failures in "error"; v1 envelopes say success with "code": 100.
    failed_v2 = body.get("error") not in (None, "", {})
    failed_v1 = "code" in body and isinstance(body["code"], int) and body["code"] != 100
    if failed_v2 or failed_v1:
        raise api_error(response)
    data = body.get("data")
    if data is None and not allow_empty:
        raise ResponseError("the server's answer has no data")
    return data


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
        self, group_id: str, *, headers: Mapping[str, str] | None = None
    ) -> Call[Training]:
        """``GET /v2/photo_avatar/train/status/{group_id}``."""
        request = self.request(
            "GET", f"/v2/photo_avatar/train/status/{_segment(group_id)}", headers=headers
        )
        return Call(request, lambda r: parse_data(r, Training))

    def look(self, look_id: str, *, headers: Mapping[str, str] | None = None) -> Call[Look]:
        """``GET /v2/photo_avatar/{id}``."""
        request = self.request("GET", f"/v2/photo_avatar/{_segment(look_id)}", headers=headers)
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
    if response.status_code >= 400:
        raise api_error(response)
    kind = response.headers.get("content-type", "").split(";")[0].strip()
    return Image(name=name + _EXTENSIONS.get(kind, ".img"), content=response.content)


def _segment(value: str) -> str:
    """An id as one path segment: no slashes or dots can walk elsewhere on the server."""
    return quote(value, safe="")


def image_names(generation: Generation) -> list[tuple[str, str]]:
    """(url, file stem) for each image of a finished generation."""
    urls = generation.image_url_list or []
    return [(url, f"{generation.id}_{index}") for index, url in enumerate(urls, start=1)]


def save(folder: Path, image: Image) -> Path:
    """Writes ``image`` under ``folder`` (created if needed), whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / image.name
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(image.content)
    partial.replace(path)
    return path
