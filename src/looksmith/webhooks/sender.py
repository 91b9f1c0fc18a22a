"""Sends webhook bodies over HTTP to safe addresses, signed as HeyGen and Standard Webhooks do."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import httpx

from looksmith.domain.webhooks import SendOutcome

SECRET_PREFIX = "whsec_"  # noqa: S105 (a format marker, not a secret)
TIMEOUT_SECONDS = 10.0
_ERROR_MAX_LENGTH = 300

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,`` and the base64 HMAC-SHA256 of id.timestamp.body."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def heygen_signature(secret: str, body: bytes) -> str:
    """The ``Signature`` value HeyGen receivers check: hex HMAC-SHA256 of the raw body.

    The key is the secret string exactly as the client was shown it, ``whsec_`` and all, since
    that is what a receiver written for HeyGen passes to its HMAC.
    """
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """HeyGen's ``Signature`` header, the three Standard Webhooks headers, the content type."""
    return {
        "content-type": "application/json",
        "signature": heygen_signature(secret, body),
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }


class HttpxSender:
    """POSTs with a 10 s timeout and no redirects; a 2xx answer means delivered."""

    def __init__(self, *, transport: httpx.BaseTransport | None = None) -> None:
        # trust_env off: proxy variables meant for the operator's tools must not reroute events.
        self._client = httpx.Client(
            timeout=TIMEOUT_SECONDS,
            follow_redirects=False,
            trust_env=False,
            transport=transport,
            headers={"user-agent": "looksmith-webhooks"},
        )

    def send(
        self, url: str, body: bytes, *, msg_id: str, timestamp: int, secret: str
    ) -> SendOutcome:
        """POST ``body``; network errors become an outcome, never an exception."""
        headers = signature_headers(secret, msg_id, timestamp, body)
        try:
            response = self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return SendOutcome(status=None, error=_describe(exc))
        return SendOutcome(status=response.status_code)

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()


def _describe(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    return text[:_ERROR_MAX_LENGTH]


def system_resolver(host: str, port: int) -> Sequence[str]:
    """Every address ``host`` resolves to."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in found]


class AddressGuard:
    """Refuses URLs that are not http(s) or that reach private networks, unless allowed."""

    def __init__(self, *, allow_private: bool = False, resolver: Resolver = system_resolver):
        self._allow_private = allow_private
        self._resolve = resolver

    def refusal(self, url: str, *, resolve: bool = True) -> str | None:
        """Why ``url`` may not receive webhooks, or None if it may."""
        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return "is not a valid URL"
        if parts.scheme not in ("http", "https"):
            return "must be an http or https URL"
        host = parts.hostname
        if not host:
            return "must name a host"
        if self._allow_private:
            return None
        return self._host_refusal(host, port, resolve=resolve)

    def _host_refusal(self, host: str, port: int, *, resolve: bool) -> str | None:
        literal = _ip(host)
        if literal is not None:
            return _private_refusal(host, literal)
        if host.rstrip(".").lower() == "localhost" or host.lower().endswith(".localhost"):
            return f"host {host} is a loopback address"
        if not resolve:
            return None
        try:
            addresses = self._resolve(host, port)
        except OSError:
            return f"host {host} does not resolve"
        for address in addresses:
            found = _ip(address)
            refusal = _private_refusal(host, found) if found else f"host {host} does not resolve"
            if refusal is not None:
                return refusal
        return None if addresses else f"host {host} does not resolve"


def _ip(text: str) -> IpAddress | None:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return None
    # An IPv4-mapped IPv6 address reaches the IPv4 host it embeds.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _private_refusal(host: str, address: IpAddress) -> str | None:
    checks = (
        (address.is_loopback, "a loopback"),
        (address.is_unspecified, "an unspecified"),
        (address.is_link_local, "a link-local"),
        (address.is_multicast, "a multicast"),
        (address.is_private or address.is_reserved, "a private"),
    )
    for refused, kind in checks:
        if refused:
            where = host if host == str(address) else f"{host} ({address})"
            return (
                f"{where} is {kind} address; webhooks go to public addresses only "
                "(LOOKSMITH_WEBHOOK_ALLOW_PRIVATE=1 allows it)"
            )
    return None
