"""Blobs as files under one folder, written atomically."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

_PARTIAL = ".partial"


class LocalBlobStore:
    """Keeps each key as a file; a write lands whole or not at all."""

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()
        self._root.mkdir(parents=True, exist_ok=True)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write to a partial file named after the key, then rename it into place."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # The partial name is fixed per key, so a write cut short by a crash is overwritten by the
        # rerun instead of leaving an orphan behind.
        partial = path.with_name(path.name + _PARTIAL)
        with partial.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            partial.replace(path)
        except FileNotFoundError:
            # A second run of the same job wrote the same bytes and renamed first: nothing to do.
            if not path.exists():
                raise
        _fsync_folder(path.parent)  # the rename itself survives a power cut only once synced

    def get(self, key: str) -> bytes | None:
        """The file's bytes, or None."""
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None

    def delete(self, key: str) -> None:
        """Remove the file if it exists, and the folders it leaves empty."""
        path = self._path(key)
        path.unlink(missing_ok=True)
        for folder in path.parents:
            if folder == self._root:
                break
            try:
                folder.rmdir()
            except OSError:  # not empty, or already gone
                break

    def keys(self, prefix: str = "") -> Sequence[str]:
        """Every finished key under the root that starts with ``prefix``."""
        found = (
            path.relative_to(self._root).as_posix()
            for path in self._root.rglob("*")
            if path.is_file() and not path.name.endswith(_PARTIAL)
        )
        return sorted(key for key in found if key.startswith(prefix))

    def _path(self, key: str) -> Path:
        path = (self._root / key).resolve()
        if not path.is_relative_to(self._root) or path == self._root:
            raise ValueError(f"blob key escapes the store: {key!r}")
        return path


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
