"""Blobs as objects in an S3 (or S3-compatible) bucket, and presigned links to them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from looksmith.ports.clock import Clock

# SigV4 refuses presigned URLs valid for longer than seven days.
MAX_PRESIGN_SECONDS = 7 * 24 * 3600


def _normal_prefix(prefix: str) -> str:
    """``prefix`` as a folder: no leading slash, one trailing slash, or empty."""
    stripped = prefix.strip("/")
    return f"{stripped}/" if stripped else ""


def _object_key(prefix: str, key: str) -> str:
    """The bucket key for ``key``; refuses keys that would climb out of the prefix."""
    if not key or ".." in key or key.startswith("/"):
        raise ValueError(f"blob key escapes the store: {key!r}")
    return prefix + key


class S3BlobStore:
    """Keeps each key as one object under an optional prefix; a PUT lands whole or not at all."""

    # boto3 ships no type stubs, so the client is Any.
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self._client = client
        self._bucket = bucket
        self._prefix = _normal_prefix(prefix)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Upload ``data``; S3 replaces an object atomically, so readers see old or new bytes."""
        self._client.put_object(
            Bucket=self._bucket,
            Key=_object_key(self._prefix, key),
            Body=data,
            ContentType=content_type,
        )

    def get(self, key: str) -> bytes | None:
        """The object's bytes, or None."""
        try:
            response = self._client.get_object(
                Bucket=self._bucket, Key=_object_key(self._prefix, key)
            )
        except self._client.exceptions.NoSuchKey:
            return None
        body = response["Body"]
        try:
            return bytes(body.read())
        finally:
            body.close()

    def delete(self, key: str) -> None:
        """Remove the object; S3 answers a delete of a missing key with success."""
        self._client.delete_object(Bucket=self._bucket, Key=_object_key(self._prefix, key))

    def keys(self, prefix: str = "") -> Sequence[str]:
        """Every stored key that starts with ``prefix``, without the store's own prefix."""
        return sorted(self._listed(prefix))

    def _listed(self, prefix: str) -> Iterator[str]:
        # The paginator fetches one page (at most 1000 keys) per request, lazily.
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self._bucket, Prefix=self._prefix + prefix
        )
        for page in pages:
            for item in page.get("Contents", ()):
                yield str(item["Key"])[len(self._prefix) :]


class S3UrlSigner:
    """Presigned GET URLs; S3 checks them when a client follows them, so this is no LinkVerifier."""

    # boto3 ships no type stubs, so the client is Any.
    def __init__(self, client: Any, bucket: str, prefix: str, clock: Clock) -> None:
        self._client = client
        self._bucket = bucket
        self._prefix = _normal_prefix(prefix)
        self._clock = clock

    def sign(self, key: str, *, expires_at: int) -> str:
        """A presigned GET URL for ``key``, valid until ``expires_at`` or for seven days."""
        seconds = max(1, expires_at - int(self._clock.now()))
        url = self._client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self._bucket, "Key": _object_key(self._prefix, key)},
            ExpiresIn=min(seconds, MAX_PRESIGN_SECONDS),
        )
        return str(url)
