"""Expiring HMAC-signed links to images, checked when the image is served."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import secrets
from pathlib import Path


def load_or_create_secret(path: Path) -> bytes:
    """This install's signing secret, created on first use and kept in ``path``."""
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_bytes(32)
        partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}.partial")
        partial.write_text(secret.hex())
        partial.chmod(0o600)
        # Two processes starting together must end up with the same secret: first link wins.
        with contextlib.suppress(FileExistsError):
            path.hardlink_to(partial)
        partial.unlink()
        return bytes.fromhex(path.read_text().strip())


class HmacUrlSigner:
    """Signs ``<base>/<key>?Expires=<unix>&Signature=<hmac>`` with a per-install secret."""

    def __init__(self, *, secret: bytes, base_url: str) -> None:
        self._secret = secret
        self._base_url = base_url.rstrip("/")

    def sign(self, key: str, *, expires_at: int) -> str:
        """The absolute, signed URL for ``key``."""
        signature = self._signature(key, expires_at)
        return f"{self._base_url}/{key}?Expires={expires_at}&Signature={signature}"

    def verify(self, key: str, *, expires_at: int, signature: str, now: float) -> bool:
        """Whether the signature matches and ``expires_at`` has not passed."""
        expected = self._signature(key, expires_at)
        return hmac.compare_digest(expected, signature) and now < expires_at

    def _signature(self, key: str, expires_at: int) -> str:
        digest = hmac.new(self._secret, f"{key}\n{expires_at}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
