"""Signing links to stored blobs and checking them: one rule for images and motion media."""

from __future__ import annotations

from looksmith.ports.clock import Clock
from looksmith.ports.media import LinkVerifier, UrlSigner

# Seconds since 1970 fit in 12 digits for 30,000 years; longer is noise, refused before int().
_MAX_EXPIRES_DIGITS = 12


class SignedLinks:
    """Signs blob keys with a shared lifetime and checks the links' query parameters."""

    def __init__(self, *, signer: UrlSigner, clock: Clock, ttl_seconds: int) -> None:
        self._signer = signer
        # Links to an object store are checked by the store; none to this server is genuine.
        self._verifier = signer if isinstance(signer, LinkVerifier) else None
        self._clock = clock
        self._ttl = ttl_seconds

    def expiry(self) -> int:
        """When a link signed now expires; it moves once a second."""
        return int(self._clock.now()) + self._ttl

    def sign(self, key: str, *, expires_at: int | None = None) -> str:
        """A link to ``key`` valid until ``expires_at`` (default: a lifetime from now)."""
        return self._signer.sign(
            key, expires_at=self.expiry() if expires_at is None else expires_at
        )

    def verify(self, key: str, expires: str | None, signature: str | None) -> bool:
        """Whether a link's raw ``expires`` and ``signature`` are good for ``key`` now."""
        if self._verifier is None:
            return False
        if not expires or not signature or not (expires.isascii() and expires.isdigit()):
            return False
        if len(expires) > _MAX_EXPIRES_DIGITS:
            return False
        return self._verifier.verify(
            key, expires_at=int(expires), signature=signature, now=self._clock.now()
        )
