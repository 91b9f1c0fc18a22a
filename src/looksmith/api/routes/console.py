"""The web console: one page and its assets, under a strict Content-Security-Policy.

The page talks to the public API with ``fetch`` and the ``x-api-key`` header only; nothing here
reads a key. Images are signed links, shown with ``<img>``, so the policy allows the origin those
links point at (the public base URL, or S3's) besides this one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import RedirectResponse

from looksmith.composition.api import ApiParts
from looksmith.errors import NotFound

router = APIRouter(include_in_schema=False)

_TYPES = {
    "index.html": "text/html; charset=utf-8",
    "console.css": "text/css; charset=utf-8",
    "console.js": "text/javascript; charset=utf-8",
    "icon.svg": "image/svg+xml",
}
_PROBE_ID = "0" * 32  # signing a link needs no stored image: it only shows where links point


@dataclass(frozen=True, slots=True)
class _Asset:
    body: bytes
    media_type: str
    etag: str


@cache
def _asset(name: str) -> _Asset:
    """One file of the console, read once from the package."""
    body = resources.files("looksmith.api.console").joinpath("static", name).read_bytes()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return _Asset(body=body, media_type=_TYPES[name], etag=etag)


def image_origins(wired: ApiParts) -> list[str]:
    """Origins other than this one that image links point at, from how links are signed."""
    origins = []
    base_url = wired.adapters.settings.public_base_url
    for url in (wired.services.images.url_for(_PROBE_ID), base_url):
        parts = urlsplit(url or "")
        if parts.scheme in ("http", "https") and parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                origins.append(origin)
    return origins


def content_security_policy(image_sources: list[str]) -> str:
    """Scripts, styles and requests from this origin only; images also from the link origins."""
    images = " ".join(["'self'", *image_sources])
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; connect-src 'self'; font-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def _headers(request: Request) -> dict[str, str]:
    policy: str | None = getattr(request.app.state, "console_csp", None)
    if policy is None:
        policy = content_security_policy(image_origins(request.app.state.parts))
        request.app.state.console_csp = policy
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cache-Control": "no-cache",
    }


def _serve(request: Request, name: str, if_none_match: str | None) -> Response:
    asset = _asset(name)
    headers = {**_headers(request), "ETag": asset.etag}
    if if_none_match is not None and asset.etag in (t.strip() for t in if_none_match.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


IfNoneMatch = Annotated[str | None, Header()]


@router.get("/console")
def console_page(request: Request, if_none_match: IfNoneMatch = None) -> Response:
    """The console's single page."""
    return _serve(request, "index.html", if_none_match)


@router.get("/console/")
def console_slash() -> RedirectResponse:
    """The page lives at ``/console``; its assets are named from there."""
    return RedirectResponse("/console", status_code=308)


@router.get("/console/{name}")
def console_asset(name: str, request: Request, if_none_match: IfNoneMatch = None) -> Response:
    """A stylesheet, script or icon of the console; anything else is a 404."""
    if name not in _TYPES or name == "index.html":
        raise NotFound(f"no console file {name}")
    return _serve(request, name, if_none_match)
