"""The roles the services depend on; adapters in db/, queue/, engines/ and storage/ play them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from looksmith.domain.models import (
    ApiKeyRecord,
    Generation,
    GenerationStatus,
    Job,
    JobKind,
    RenderedImage,
    StoredImage,
    Tenant,
)
from looksmith.domain.specs import PhotoSpec


class Clock(Protocol):
    """Tells the time in Unix seconds."""

    def now(self) -> float:
        """The current time."""
        ...


class TenantRepository(Protocol):
    """Tenants and their hashed API keys."""

    def add_tenant_with_key(self, tenant: Tenant, key: ApiKeyRecord) -> None:
        """Store a new tenant together with its first key."""
        ...

    def find_key(self, key_hash: str) -> ApiKeyRecord | None:
        """The key with this hash, revoked or not."""
        ...

    def list_keys(self) -> Sequence[tuple[ApiKeyRecord, Tenant]]:
        """Every key with its tenant, oldest first."""
        ...

    def revoke_keys(self, prefix: str, at: float) -> int:
        """Revoke the live keys that start with ``prefix``; return how many."""
        ...


class GenerationRepository(Protocol):
    """Photo generations and the images they produced."""

    def add(self, generation: Generation) -> None:
        """Store a new generation and queue its rendering job, in one durable commit."""
        ...

    def get(self, generation_id: str, *, tenant_id: str | None = None) -> Generation | None:
        """The generation, or None if unknown or (with ``tenant_id``) someone else's."""
        ...

    def set_status(
        self,
        generation_id: str,
        *,
        expected: GenerationStatus,
        status: GenerationStatus,
        message: str | None,
        at: float,
    ) -> bool:
        """Move the generation if it is still in ``expected``; report whether it moved."""
        ...

    def complete(self, generation_id: str, *, images: Sequence[StoredImage], at: float) -> bool:
        """Record the images and mark the generation ``success``, if it is still rendering."""
        ...

    def unfinished_ids(self) -> Sequence[str]:
        """Ids of every generation that has not reached a terminal status, oldest first."""
        ...


class ImageRepository(Protocol):
    """Metadata of stored images."""

    def get_image(self, image_id: str) -> StoredImage | None:
        """The image with this id, whoever owns it."""
        ...


class BlobStore(Protocol):
    """Bytes under keys; knows nothing of file paths or buckets in its interface."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``, replacing what was there, atomically."""
        ...

    def get(self, key: str) -> bytes | None:
        """The bytes under ``key``, or None."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        ...

    def keys(self, prefix: str = "") -> Sequence[str]:
        """Every stored key that starts with ``prefix``."""
        ...


class UrlSigner(Protocol):
    """Makes and checks expiring links to images."""

    def sign(self, key: str, *, expires_at: int) -> str:
        """The absolute URL for ``key``, valid until ``expires_at``."""
        ...

    def verify(self, key: str, *, expires_at: int, signature: str, now: float) -> bool:
        """Whether ``signature`` is genuine for ``key`` and not yet expired."""
        ...


class ImageEngine(Protocol):
    """Renders photos of people from attributes."""

    name: str

    def render_photo(self, spec: PhotoSpec, *, seed: int, variant: int) -> RenderedImage:
        """Render picture number ``variant`` of a generation; same inputs, same bytes."""
        ...


class JobStore(Protocol):
    """Durable jobs with leases: a job whose worker vanished becomes claimable again."""

    def claim(self, *, now: float, lease_seconds: float) -> Job | None:
        """Take the oldest queued job, or one whose lease ran out, and lease it."""
        ...

    def heartbeat(self, job_id: int, *, now: float, lease_seconds: float) -> None:
        """Extend the lease of a running job."""
        ...

    def finish(self, job_id: int, *, failed: bool, error: str | None, now: float) -> None:
        """Mark the job done, or failed for good."""
        ...

    def release(self, job_id: int, *, error: str, now: float) -> None:
        """Put a running job back in the queue after an error, to be tried again."""
        ...

    def requeue_running(self, *, now: float) -> int:
        """Put every running job back in the queue (the only worker pool restarted)."""
        ...


class JobHandler(Protocol):
    """What a worker calls for one kind of job."""

    def run(self, target_id: str) -> None:
        """Do the work; safe to call again after a crash part way through."""
        ...

    def give_up(self, target_id: str, reason: str) -> None:
        """Mark the target failed after too many attempts."""
        ...


class JobQueue(Protocol):
    """Runs jobs at least once each, after they are durably stored."""

    def enqueue(self, kind: JobKind, target_id: str) -> None:
        """Tell workers a job for ``target_id`` is waiting; the job row is already committed."""
        ...

    def is_ready(self) -> bool:
        """Whether workers are running and can take jobs."""
        ...
