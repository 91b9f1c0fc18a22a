"""Blobs in a dict: for tests and demos that need no disk."""

from __future__ import annotations

import threading
from collections.abc import Sequence


class MemoryBlobStore:
    """A thread-safe in-memory blob store."""

    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store a copy of ``data``."""
        with self._lock:
            self._blobs[key] = bytes(data)

    def get(self, key: str) -> bytes | None:
        """The bytes under ``key``, or None."""
        with self._lock:
            return self._blobs.get(key)

    def delete(self, key: str) -> None:
        """Forget ``key``."""
        with self._lock:
            self._blobs.pop(key, None)

    def keys(self, prefix: str = "") -> Sequence[str]:
        """Stored keys starting with ``prefix``."""
        with self._lock:
            return sorted(key for key in self._blobs if key.startswith(prefix))
