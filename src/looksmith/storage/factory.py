"""Builds the blob store and URL signer that ``Settings`` names."""

from __future__ import annotations

from typing import Any

from looksmith.config import Settings, StorageKind, StorageSettings
from looksmith.ports.clock import Clock
from looksmith.ports.media import BlobStore, UrlSigner
from looksmith.storage.local import LocalBlobStore
from looksmith.storage.signing import HmacUrlSigner, load_or_create_secret

_INSTALL_HINT = "S3 storage needs boto3: pip install 'looksmith[s3]'"


def build_storage(
    settings: Settings, *, base_url: str, clock: Clock
) -> tuple[BlobStore, UrlSigner]:
    """The blob store and its URL signer, local or S3 as configured."""
    if settings.storage.kind is StorageKind.S3:
        return _s3_storage(settings.storage, clock)
    signer = HmacUrlSigner(secret=load_or_create_secret(settings.secret_file), base_url=base_url)
    return LocalBlobStore(settings.blob_dir), signer


def _s3_storage(storage: StorageSettings, clock: Clock) -> tuple[BlobStore, UrlSigner]:
    # Imported here so the s3 module loads only in S3 mode, where boto3 is known to exist.
    from looksmith.storage.s3 import S3BlobStore, S3UrlSigner

    # Settings refuse S3 mode without a bucket, so this only narrows the type.
    assert storage.bucket is not None
    client = s3_client(storage)
    return (
        S3BlobStore(client, storage.bucket, storage.prefix),
        S3UrlSigner(client, storage.bucket, storage.prefix, clock),
    )


def s3_client(storage: StorageSettings) -> Any:
    """One boto3 S3 client (typed Any: boto3 has no stubs); credentials from the AWS chain."""
    try:
        import boto3  # type: ignore[import-untyped]
        from botocore.config import Config  # type: ignore[import-untyped]
    except ImportError as error:  # boto3 is in the optional 's3' extra
        raise RuntimeError(_INSTALL_HINT) from error
    config = Config(
        signature_version="s3v4",
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
    )
    return boto3.client(
        "s3", endpoint_url=storage.endpoint_url, region_name=storage.region, config=config
    )
