"""Blob stores and URL signing."""

from __future__ import annotations

from pathlib import Path

import pytest

from looksmith.storage.local import LocalBlobStore
from looksmith.storage.memory import MemoryBlobStore
from looksmith.storage.signing import HmacUrlSigner, load_or_create_secret


@pytest.fixture(params=["local", "memory"])
def store(request, tmp_path: Path):
    return LocalBlobStore(tmp_path / "blobs") if request.param == "local" else MemoryBlobStore()


def test_put_get_replace_delete(store):
    assert store.get("image/a/original") is None
    store.put("image/a/original", b"one", "image/jpeg")
    store.put("image/a/original", b"two", "image/jpeg")
    store.put("image/b/original", b"three", "image/jpeg")
    assert store.get("image/a/original") == b"two"
    assert store.keys("image/") == ["image/a/original", "image/b/original"]
    store.delete("image/a/original")
    store.delete("image/a/original")
    assert store.keys() == ["image/b/original"]


def test_local_store_hides_partial_writes_and_refuses_escapes(tmp_path: Path):
    store = LocalBlobStore(tmp_path / "blobs")
    (tmp_path / "blobs" / "image" / "c").mkdir(parents=True)
    (tmp_path / "blobs" / "image" / "c" / "original.partial").write_bytes(b"half")
    assert store.keys() == []
    store.put("image/c/original", b"whole", "image/jpeg")
    assert store.keys() == ["image/c/original"]
    assert not (tmp_path / "blobs" / "image" / "c" / "original.partial").exists()
    for bad in ("../outside", "/etc/passwd", ""):
        with pytest.raises(ValueError, match="escapes"):
            store.put(bad, b"x", "image/jpeg")


def test_secret_is_created_once_and_kept(tmp_path: Path):
    first = load_or_create_secret(tmp_path / "secret.key")
    assert len(first) == 32
    assert load_or_create_secret(tmp_path / "secret.key") == first
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600


def test_signatures_bind_key_expiry_and_secret():
    signer = HmacUrlSigner(secret=b"s" * 32, base_url="http://h:1/")
    url = signer.sign("image/abc/original", expires_at=1000)
    assert url.startswith("http://h:1/image/abc/original?Expires=1000&Signature=")
    signature = url.rsplit("=", 1)[1]
    assert signer.verify("image/abc/original", expires_at=1000, signature=signature, now=999)
    assert not signer.verify("image/abc/original", expires_at=1000, signature=signature, now=1000)
    assert not signer.verify("image/abd/original", expires_at=1000, signature=signature, now=1)
    assert not signer.verify("image/abc/original", expires_at=1001, signature=signature, now=1)
    other = HmacUrlSigner(secret=b"t" * 32, base_url="http://h:1")
    assert not other.verify("image/abc/original", expires_at=1000, signature=signature, now=1)
