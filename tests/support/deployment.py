"""The service as a user runs it: embedded (one process) or scaled out (several processes).

Scaled out: two API processes on different ports and two Celery worker processes, on a fresh
database on the machine's PostgreSQL, the machine's Redis as broker (a database index held
under a file lock for the deployment's life, emptied first, so test runs side by side never share
a broker), and moto's S3 server on loopback (no real S3 can run here).
"""

from __future__ import annotations

import contextlib
import fcntl
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import services
from tests.support.moto_server import create_bucket, moto_server, s3_client, s3_env
from tests.support.server import LooksmithProcess, Server

BROKER_DBS = range(9, 16)  # Redis database indexes the tests may take as brokers


@dataclass
class WorkerProcess(LooksmithProcess):
    """One ``looksmith worker`` process."""

    name: str = "worker"

    def start(self) -> None:
        self.spawn("worker", "--concurrency", "2", log_name=f"{self.name}.log")


@dataclass
class Deployment:
    """API processes, worker processes, and where their blobs live."""

    apis: list[Server]
    workers: list[WorkerProcess] = field(default_factory=list)
    s3: tuple[str, str] | None = None  # endpoint and bucket

    @property
    def url(self) -> str:
        return self.apis[0].url

    @property
    def checks_signatures(self) -> bool:
        """Whether a tampered image link is refused here (moto does not check presigned links)."""
        return self.s3 is None

    def cli(self, *args: str) -> str:
        return self.apis[0].cli(*args)

    def create_key(self, name: str) -> str:
        return self.apis[0].create_key(name)

    def blob_keys(self) -> set[str]:
        """Every stored blob key."""
        if self.s3 is not None:
            endpoint, bucket = self.s3
            listed = s3_client(endpoint).list_objects_v2(Bucket=bucket).get("Contents", [])
            return {item["Key"] for item in listed}
        root = self.apis[0].data_dir / "blobs"
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}

    def stop(self) -> None:
        for member in [*self.apis, *self.workers]:
            member.stop()


@contextlib.contextmanager
def embedded(data_dir: Path, *, env: dict[str, str] | None = None) -> Iterator[Deployment]:
    """One ``looksmith serve`` with everything inside; ``env`` adds settings."""
    server = Server(data_dir=data_dir, env=env or {})
    data_dir.mkdir(parents=True)
    server.create_key("bootstrap")  # migrates, so the start is quick
    server.start()
    deployment = Deployment(apis=[server])
    try:
        yield deployment
    finally:
        deployment.stop()


@contextlib.contextmanager
def scaled_out(
    data_dir: Path,
    *,
    apis: int = 2,
    workers: int = 2,
    database_url: str | None = None,
    broker_url: str | None = None,
) -> Iterator[Deployment]:
    """Several API and worker processes on PostgreSQL, Redis and S3.

    By default the machine's PostgreSQL (a fresh database) and Redis (a database index of our
    own); fault tests pass the URLs of private servers they can stop.
    """
    if database_url is None:
        services.require_postgres()
    if broker_url is None:
        services.require_redis()
    data_dir.mkdir(parents=True)
    with contextlib.ExitStack() as stack:
        if database_url is None:
            name = stack.enter_context(services.postgres_database())
            database_url = services.database_url(name)
        if broker_url is None:
            broker_url = f"{services.REDIS_URL}/{stack.enter_context(_own_broker_db())}"
        endpoint = stack.enter_context(moto_server())
        create_bucket(endpoint, "looksmith")
        env = {
            "LOOKSMITH_DATABASE_URL": database_url,
            "LOOKSMITH_QUEUE__KIND": "celery",
            "LOOKSMITH_QUEUE__BROKER_URL": broker_url,
            "LOOKSMITH_QUEUE__SWEEP_SECONDS": "1",
            "LOOKSMITH_QUEUE__REDISPATCH_SECONDS": "5",
            "LOOKSMITH_JOB_LEASE_SECONDS": "3",
            **s3_env(endpoint, "looksmith"),
        }
        deployment = Deployment(
            apis=[Server(data_dir=data_dir, env=env) for _ in range(apis)],
            workers=[WorkerProcess(data_dir, env, name=f"worker-{i}") for i in range(workers)],
            s3=(endpoint, "looksmith"),
        )
        deployment.create_key("bootstrap")  # migrates once, before anything starts
        try:
            for worker in deployment.workers:
                worker.start()
            for api in deployment.apis:
                api.start()
            yield deployment
        finally:
            deployment.stop()


@contextlib.contextmanager
def _own_broker_db() -> Iterator[int]:
    """A Redis database index no other test run holds, emptied; waits while all are taken."""
    import redis

    deadline = time.monotonic() + 600
    while True:
        for index in BROKER_DBS:
            lock = (Path(tempfile.gettempdir()) / f"looksmith-test-redis-{index}.lock").open("w")
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.close()
                continue
            try:
                redis.Redis.from_url(f"{services.REDIS_URL}/{index}").flushdb()
                yield index
                return
            finally:
                lock.close()  # closing releases the lock
        assert time.monotonic() < deadline, "every test broker database stayed taken"
        time.sleep(1)


def wait(condition: object, timeout: float, message: str) -> None:
    """Poll ``condition()`` until true, at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(message)
