"""moto's S3 emulator as a separate process on a free loopback port; no pytest needed.

Usage::

    with moto_server() as endpoint:
        create_bucket(endpoint, "looksmith")
        env = s3_env(endpoint, "looksmith")  # for a looksmith process, or os.environ
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import httpx

from tests.support.server import free_port

# Fixed fake credentials: moto accepts any, and fixed ones keep signatures reproducible.
AWS_TEST_ENV: dict[str, str] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}

_START_SECONDS = 30
_STOP_SECONDS = 10


@contextmanager
def moto_server() -> Iterator[str]:
    """Run ``python -m moto.server`` on 127.0.0.1 and yield its endpoint URL."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_answering(process, endpoint, log)
            yield endpoint
        finally:
            _stop(process)


def _wait_until_answering(process: subprocess.Popen[bytes], endpoint: str, log: IO[bytes]) -> None:
    deadline = time.monotonic() + _START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited early:\n{_read(log)}")
        try:
            # Any HTTP answer means it is serving; trust_env=False keeps proxies out of loopback.
            httpx.get(f"{endpoint}/moto-api/", timeout=1, trust_env=False)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"moto server did not answer in {_START_SECONDS} s:\n{_read(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=_STOP_SECONDS)


def _read(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-4000:]


def s3_client(endpoint: str) -> Any:
    """A boto3 S3 client for the emulator, with the fake credentials passed explicitly."""
    import boto3  # the 'test' extra installs it

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=AWS_TEST_ENV["AWS_DEFAULT_REGION"],
        aws_access_key_id=AWS_TEST_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=AWS_TEST_ENV["AWS_SECRET_ACCESS_KEY"],
    )


def create_bucket(endpoint: str, bucket: str) -> None:
    """Create ``bucket`` in the emulator (us-east-1 takes no location constraint)."""
    s3_client(endpoint).create_bucket(Bucket=bucket)


def s3_env(endpoint: str, bucket: str, prefix: str = "") -> dict[str, str]:
    """Environment for a looksmith process storing blobs in ``bucket`` on the emulator."""
    return {
        **AWS_TEST_ENV,
        "LOOKSMITH_STORAGE__KIND": "s3",
        "LOOKSMITH_STORAGE__BUCKET": bucket,
        "LOOKSMITH_STORAGE__ENDPOINT_URL": endpoint,
        "LOOKSMITH_STORAGE__REGION": AWS_TEST_ENV["AWS_DEFAULT_REGION"],
        "LOOKSMITH_STORAGE__PREFIX": prefix,
    }
