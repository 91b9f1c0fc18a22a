"""The S3 blob store and presigned URLs, against moto's emulator in its own process."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from looksmith.clock import ManualClock
from looksmith.config import Settings, StorageSettings
from looksmith.ports.media import LinkVerifier
from looksmith.storage.factory import build_storage, s3_client
from looksmith.storage.local import LocalBlobStore
from looksmith.storage.s3 import MAX_PRESIGN_SECONDS, S3BlobStore, S3UrlSigner
from looksmith.storage.signing import HmacUrlSigner
from tests.support.moto_server import AWS_TEST_ENV, create_bucket, moto_server


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """One emulator for the module; each test gets its own bucket."""
    with moto_server() as url:
        yield url


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials where boto3's default chain looks first."""
    for name, value in AWS_TEST_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def bucket(endpoint: str) -> str:
    name = f"test-{uuid.uuid4().hex[:12]}"
    create_bucket(endpoint, name)
    return name


@pytest.fixture
def client(endpoint: str) -> Any:
    """The production client (SigV4, retries, timeouts) pointed at the emulator."""
    return s3_client(StorageSettings(endpoint_url=endpoint, region="us-east-1"))


@pytest.fixture(params=["", "tenant-a/"])
def prefix(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(client: Any, bucket: str, prefix: str) -> S3BlobStore:
    return S3BlobStore(client, bucket, prefix)


def _bucket_keys(client: Any, bucket: str) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_put_get_replace_delete(store: S3BlobStore, client: Any, bucket: str, prefix: str):
    assert store.get("image/a/original") is None
    store.put("image/a/original", b"one", "image/jpeg")
    store.put("image/a/original", b"two", "image/jpeg")
    store.put("image/b/original", b"three", "image/jpeg")
    assert store.get("image/a/original") == b"two"
    assert store.keys("image/") == ["image/a/original", "image/b/original"]
    assert _bucket_keys(client, bucket) == [
        f"{prefix}image/a/original",
        f"{prefix}image/b/original",
    ]
    store.delete("image/a/original")
    store.delete("image/a/original")
    assert store.keys() == ["image/b/original"]


def test_prefix_is_kept_apart_and_normalised(client: Any, bucket: str):
    S3BlobStore(client, bucket).put("identity/g/f", b"root", "application/octet-stream")
    tenant = S3BlobStore(client, bucket, "/tenant-b")
    tenant.put("identity/g/f", b"tenant", "application/octet-stream")
    assert tenant.keys() == ["identity/g/f"]
    assert tenant.get("identity/g/f") == b"tenant"
    assert _bucket_keys(client, bucket) == ["identity/g/f", "tenant-b/identity/g/f"]


def test_keys_pages_through_more_than_one_listing(client: Any, bucket: str):
    store = S3BlobStore(client, bucket, "tenant-a/")  # with a prefix: the harder case, run once
    wanted = [f"image/{n:032x}/original" for n in range(1100)]
    with ThreadPoolExecutor(max_workers=8) as pool:  # boto3's pool holds 10 connections
        list(pool.map(lambda key: store.put(key, b"x", "image/jpeg"), wanted))
    store.put("identity/g/f", b"x", "application/octet-stream")
    listings: list[str] = []
    client.meta.events.register("before-call.s3.ListObjectsV2", lambda **_: listings.append("page"))
    assert store.keys("image/") == wanted
    assert len(listings) == 2  # S3 returns at most 1000 keys per page


@pytest.mark.parametrize("bad", ["../outside", "/etc/passwd", "", "image/../../x"])
def test_refuses_keys_that_escape(client: Any, bucket: str, bad: str):
    store = S3BlobStore(client, bucket, "tenant-a")
    signer = S3UrlSigner(client, bucket, "tenant-a", ManualClock())
    for call in (
        lambda: store.put(bad, b"x", "image/jpeg"),
        lambda: store.get(bad),
        lambda: store.delete(bad),
        lambda: signer.sign(bad, expires_at=2_000_000_000),
    ):
        with pytest.raises(ValueError, match="escapes"):
            call()


def test_content_type_is_stored(store: S3BlobStore, client: Any, bucket: str, prefix: str):
    store.put("image/c/original", b"\x89PNG", "image/png")
    head = client.head_object(Bucket=bucket, Key=f"{prefix}image/c/original")
    assert head["ContentType"] == "image/png"


def test_presigned_url_serves_the_bytes(client: Any, bucket: str, prefix: str):
    store = S3BlobStore(client, bucket, prefix)
    signer = S3UrlSigner(client, bucket, prefix, ManualClock())
    store.put("image/d/original", b"jpeg bytes", "image/jpeg")
    url = signer.sign("image/d/original", expires_at=int(ManualClock().now()) + 600)
    response = httpx.get(url, trust_env=False)
    assert response.status_code == 200
    assert response.content == b"jpeg bytes"
    assert response.headers["content-type"] == "image/jpeg"
    assert not isinstance(signer, LinkVerifier)  # this server serves none of its links


def _sigv4_genuine(url: str) -> bool:
    """Recompute the URL's SigV4 query signature with the test credentials."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = dict(pairs)
    unsigned = [(name, value) for name, value in pairs if name != "X-Amz-Signature"]
    request = AWSRequest(
        method="GET", url=urlunsplit(parts._replace(query=urlencode(unsigned, quote_via=quote)))
    )
    request.context["timestamp"] = query["X-Amz-Date"]
    credentials = Credentials(
        AWS_TEST_ENV["AWS_ACCESS_KEY_ID"], AWS_TEST_ENV["AWS_SECRET_ACCESS_KEY"]
    )
    auth = S3SigV4QueryAuth(credentials, "s3", "us-east-1", expires=int(query["X-Amz-Expires"]))
    expected = auth.signature(
        auth.string_to_sign(request, auth.canonical_request(request)), request
    )
    return bool(expected == query["X-Amz-Signature"])


def test_tampered_presigned_url_does_not_verify(client: Any, bucket: str):
    # moto serves presigned URLs without checking their signature, so the 403 real S3 gives a
    # tampered link cannot be observed here; the SigV4 signature is checked by recomputing it.
    url = S3UrlSigner(client, bucket, "", ManualClock()).sign("image/e/original", expires_at=2**40)
    assert _sigv4_genuine(url)
    other_key = url.replace("image/e/original", "image/f/original")
    longer = url.replace(f"X-Amz-Expires={MAX_PRESIGN_SECONDS}", "X-Amz-Expires=604799")
    flipped = url[:-1] + ("0" if url[-1] != "0" else "1")
    for tampered in (other_key, longer, flipped):
        assert tampered != url
        assert not _sigv4_genuine(tampered)


@pytest.mark.parametrize(
    ("seconds_left", "expires_in"),
    [
        (60, 60),
        (MAX_PRESIGN_SECONDS, MAX_PRESIGN_SECONDS),
        (30 * 86400, MAX_PRESIGN_SECONDS),
        (0, 1),
        (-500, 1),
    ],
)
def test_expiry_is_relative_to_the_clock_and_capped(
    client: Any, bucket: str, seconds_left: int, expires_in: int
):
    clock = ManualClock()
    signer = S3UrlSigner(client, bucket, "", clock)
    url = signer.sign("image/g/original", expires_at=int(clock.now()) + seconds_left)
    assert dict(parse_qsl(urlsplit(url).query))["X-Amz-Expires"] == str(expires_in)


def test_build_storage_local(tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data")
    blobs, signer = build_storage(settings, base_url="http://h:1", clock=ManualClock())
    assert isinstance(blobs, LocalBlobStore)
    assert isinstance(signer, HmacUrlSigner)
    assert signer.sign("image/a/original", expires_at=5).startswith("http://h:1/image/a/original?")


def test_build_storage_s3(tmp_path: Path, endpoint: str, bucket: str):
    storage = {"kind": "s3", "bucket": bucket, "endpoint_url": endpoint, "region": "us-east-1"}
    settings = Settings(data_dir=tmp_path / "data", storage=storage)
    blobs, signer = build_storage(settings, base_url="http://unused", clock=ManualClock())
    assert isinstance(blobs, S3BlobStore)
    assert isinstance(signer, S3UrlSigner)
    blobs.put("image/h/original", b"via settings", "image/jpeg")
    url = signer.sign("image/h/original", expires_at=2**40)
    assert url.startswith(f"{endpoint}/{bucket}/image/h/original?")
    assert httpx.get(url, trust_env=False).content == b"via settings"
    assert not (tmp_path / "data").exists()  # S3 mode keeps nothing on local disk


def test_build_storage_s3_without_boto3_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(sys.modules, "boto3", None)  # makes ``import boto3`` fail
    settings = Settings(data_dir=tmp_path, storage={"kind": "s3", "bucket": "b"})
    with pytest.raises(RuntimeError, match=r"pip install 'looksmith\[s3\]'"):
        build_storage(settings, base_url="http://unused", clock=ManualClock())
