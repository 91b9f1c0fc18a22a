"""The roles the services depend on; adapters in db/, queue/, engines/ and storage/ play them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from looksmith.domain.media import AssetType, UploadCursor
from looksmith.domain.models import (
    ApiKeyRecord,
    AvatarGroup,
    ErrorFormat,
    Generation,
    GenerationStatus,
    GroupSummary,
    ImageInfo,
    Job,
    JobKind,
    Look,
    LookStatus,
    RecordedRequest,
    RenderedImage,
    StatusChange,
    StoredImage,
    Tenant,
    TrainStatus,
)
from looksmith.domain.motion import MotionClip, MotionType, SoundStatus, SoundTrack
from looksmith.domain.specs import FaceBox, LookSpec, PhotoSpec, TrainingPhoto


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

    def find_key(self, key_hash: str) -> tuple[ApiKeyRecord, Tenant] | None:
        """The key with this hash, revoked or not, with its tenant."""
        ...

    def list_keys(self) -> Sequence[tuple[ApiKeyRecord, Tenant]]:
        """Every key with its tenant, oldest first."""
        ...

    def tenants_with_key_prefix(self, prefix: str) -> Sequence[Tenant]:
        """The tenants owning a key, live or revoked, that starts with ``prefix``."""
        ...

    def set_error_format(self, tenant_id: str, error_format: ErrorFormat | None) -> None:
        """Store the tenant's error format; None follows the server's setting."""
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

    def complete(
        self,
        generation_id: str,
        *,
        images: Sequence[StoredImage],
        at: float,
        new_looks: Sequence[Look] = (),
    ) -> bool:
        """Record the images (and looks they became) and mark ``success``, if still rendering."""
        ...

    def unfinished_ids(self) -> Sequence[str]:
        """Ids of every generation that has not reached a terminal status, oldest first."""
        ...


class ImageRepository(Protocol):
    """Metadata of stored images."""

    def get_image(self, image_id: str) -> StoredImage | None:
        """The image with this id, whoever owns it."""
        ...

    def add_image(self, image: StoredImage) -> None:
        """Store the metadata of a new image."""
        ...

    def delete_upload(self, image_id: str, *, tenant_id: str) -> bool:
        """Delete the tenant's upload; whether there was one (other images are not uploads)."""
        ...

    def list_uploads(
        self,
        tenant_id: str,
        *,
        asset_type: AssetType | None,
        after: UploadCursor | None,
        limit: int,
    ) -> tuple[int, Sequence[StoredImage]]:
        """How many uploads the tenant has (of ``asset_type``), and up to ``limit`` of them
        after ``after``, newest first; in one query."""
        ...


class GroupRepository(Protocol):
    """Avatar groups and their looks; face checks and trainings are queued with them."""

    def add_group(self, group: AvatarGroup, look: Look, image: StoredImage) -> None:
        """Store a group with its first look and queue the look's face check, in one commit."""
        ...

    def add_looks(self, pairs: Sequence[tuple[Look, StoredImage]]) -> None:
        """Store looks with their images and queue their face checks, in one commit."""
        ...

    def get_group(self, group_id: str, *, tenant_id: str | None = None) -> AvatarGroup | None:
        """The group, or None if unknown or (with ``tenant_id``) someone else's."""
        ...

    def get_look(self, look_id: str, *, tenant_id: str | None = None) -> Look | None:
        """The look, or None if unknown or (with ``tenant_id``) someone else's."""
        ...

    def finish_look_check(
        self,
        look_id: str,
        *,
        status: LookStatus,
        message: str | None,
        face: FaceBox | None,
        at: float,
    ) -> bool:
        """Record the outcome of a pending look's face check."""
        ...

    def start_training(self, group_id: str, *, tenant_id: str, flow_id: str, at: float) -> bool:
        """Mark a training pending and queue it, unless one is already pending."""
        ...

    def finish_training(
        self,
        group_id: str,
        *,
        flow_id: str,
        status: TrainStatus,
        error: str | None,
        identity_key: str | None,
        at: float,
    ) -> bool:
        """Close the pending training ``flow_id``."""
        ...

    def training_looks(self, group_id: str) -> Sequence[Look]:
        """Completed looks of the group whose face is known."""
        ...

    def list_groups(
        self, tenant_id: str, *, offset: int, limit: int | None
    ) -> tuple[int, Sequence[GroupSummary]]:
        """The total and one page of the tenant's groups (every group if ``limit`` is None)."""
        ...

    def list_looks(
        self, group_id: str, *, offset: int, limit: int | None
    ) -> tuple[int, Sequence[Look]]:
        """The total and one page of a group's looks (every look if ``limit`` is None)."""
        ...

    def delete_look(self, look_id: str, *, tenant_id: str) -> list[str] | None:
        """Delete the tenant's look; the image ids freed, or None if it did not exist."""
        ...

    def delete_group(self, group_id: str, *, tenant_id: str) -> list[str] | None:
        """Delete a group and all in it; the image ids freed, or None if it did not exist."""
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
    """Renders photos of people from attributes, learns a person, renders looks of them.

    An identity is opaque bytes the engine alone reads: a face crop and colours for the
    procedural engine, LoRA weights for a diffusion engine.
    """

    name: str

    def render_photos(self, spec: PhotoSpec, *, seed: int, count: int) -> Sequence[RenderedImage]:
        """Render pictures ``0 .. count-1`` of a generation, in one batch where the engine can;
        same inputs, same pictures."""
        ...

    def train(self, photos: Sequence[TrainingPhoto], *, seed: int) -> bytes:
        """Learn the person shown in ``photos`` (at least one); return the identity."""
        ...

    def render_looks(
        self, identity: bytes, spec: LookSpec, *, seed: int, count: int
    ) -> Sequence[RenderedImage]:
        """Render looks ``0 .. count-1`` of the trained person; same inputs, same pictures."""
        ...


class MotionEngine(Protocol):
    """Animates a look into a short looping clip, makes ambient sound for it, upscales clips.

    Separate from ``ImageEngine``: a video model can play this role whichever engine draws the
    pictures. Clips are MP4 (H.264) bytes; sound tracks are encoded audio.
    """

    name: str

    def animate(
        self,
        image: bytes,
        *,
        face: FaceBox | None,
        motion_type: MotionType,
        prompt: str | None,
        seed: int,
    ) -> MotionClip:
        """A looping clip of the person in the encoded ``image``; same inputs, same bytes."""
        ...

    def ambience(self, *, scene: str, seconds: float, seed: int) -> SoundTrack:
        """An ambient track that fits the ``scene`` description, ``seconds`` long."""
        ...

    def add_sound(self, video: bytes, sound: SoundTrack) -> bytes:
        """The clip with ``sound`` as its only sound track."""
        ...

    def upscale(self, video: bytes, *, factor: int) -> MotionClip:
        """The clip ``factor`` times larger each way, sharpened; its sound is dropped."""
        ...


class MotionRepository(Protocol):
    """Motion looks, their sound effects and upscales; their jobs are queued with them."""

    def add_motion_look(self, look: Look) -> None:
        """Store a pending motion look and queue its animation, in one commit."""
        ...

    def add_upscaled_look(self, look: Look) -> bool:
        """Store a pending upscale of ``look.motion.parent_id`` and queue it, unless that look
        is not a completed motion look or already has an upscale; report whether it was."""
        ...

    def complete_motion(
        self,
        look_id: str,
        *,
        image: StoredImage,
        face: FaceBox | None,
        clip: MotionClip,
        at: float,
    ) -> bool:
        """Mark a pending motion look completed with its still and clip's size, if still pending."""
        ...

    def fail_motion(self, look_id: str, *, message: str, at: float) -> bool:
        """Mark a pending motion look failed; an upscale frees its parent to be upscaled again."""
        ...

    def start_sound_effect(self, look_id: str, *, tenant_id: str, sound_id: str, at: float) -> bool:
        """Give a completed motion look a pending sound effect and queue it, unless one is
        already pending; report whether it started."""
        ...

    def finish_sound_effect(
        self,
        look_id: str,
        *,
        sound_id: str,
        status: SoundStatus,
        size: int | None,
        duration: float | None,
        at: float,
    ) -> bool:
        """Close the pending sound effect ``sound_id``; a newer one is left alone."""
        ...

    def source_prompt(self, look_id: str) -> str | None:
        """The prompt of the look generation that drew this look, if it was drawn from one."""
        ...


class ImageInspector(Protocol):
    """Reads what an uploaded image is, from its bytes alone."""

    def inspect(self, data: bytes, *, max_pixels: int) -> ImageInfo:
        """Format and size; ``ValueError`` with a reason if it is not a usable image."""
        ...


class FaceDetector(Protocol):
    """Finds faces in photos."""

    def find_faces(self, data: bytes) -> Sequence[FaceBox]:
        """Every face in the encoded image ``data``, largest first; empty if none."""
        ...


class JobStore(Protocol):
    """Durable jobs with leases: a job whose worker vanished becomes claimable again."""

    def claim(self, *, now: float, lease_seconds: float, worker_id: str = "") -> Job | None:
        """Take the oldest queued job, or one whose lease ran out, and lease it."""
        ...

    def claim_target(
        self, kind: JobKind, target_id: str, *, now: float, lease_seconds: float, worker_id: str
    ) -> Job | None:
        """Lease the claimable job of ``kind`` for ``target_id``, if any."""
        ...

    def due_for_dispatch(
        self, *, now: float, quiet_seconds: float, redeliver_seconds: float
    ) -> list[tuple[JobKind, str]]:
        """Claimable jobs whose task is missing; marks them dispatched."""
        ...

    def mark_undispatched(self, kind: JobKind, target_id: str) -> None:
        """Record that sending the job's task failed, so the sweeper sends it."""
        ...

    def heartbeat(self, job: Job, *, now: float, lease_seconds: float) -> None:
        """Extend the lease of a running job, if this run (its attempt) still holds it."""
        ...

    def finish(self, job: Job, *, failed: bool, error: str | None, now: float) -> None:
        """Mark the job done, or failed for good."""
        ...

    def release(self, job: Job, *, error: str, now: float) -> None:
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
        """Mark the target failed after too many attempts; ``reason`` completes a sentence
        whose subject is the work, e.g. "failed; please try again"."""
        ...


class JobQueue(Protocol):
    """Runs jobs at least once each, after they are durably stored."""

    def enqueue(self, kind: JobKind, target_id: str) -> None:
        """Tell workers a job for ``target_id`` is waiting; the job row is already committed."""
        ...

    def is_ready(self) -> bool:
        """Whether workers are running and can take jobs."""
        ...


class WorkerRegistry(Protocol):
    """Worker processes announce themselves and heart-beat, so probes and metrics see them."""

    def register(self, *, worker_id: str, kind: str, host: str, pid: int, now: float) -> None:
        """Announce a worker."""
        ...

    def heartbeat(self, *, worker_id: str, now: float) -> None:
        """Say the worker is alive."""
        ...

    def unregister(self, *, worker_id: str) -> None:
        """Remove a worker that stopped cleanly."""
        ...


class WebhookOutbox(Protocol):
    """Takes note of events to send; never sends, so a dead receiver cannot slow a job."""

    def record(self, change: StatusChange) -> None:
        """Store one pending delivery per endpoint (and callback) that wants ``change``."""
        ...


class StatusEvents(Protocol):
    """Fans status changes out to whoever waits for them (long polls, streams, webhooks)."""

    def publish(self, change: StatusChange) -> None:
        """Announce a committed change; best effort, the database stays the truth."""
        ...

    def subscribe(self, callback: Callable[[StatusChange], None]) -> Callable[[], None]:
        """Call ``callback`` for each change from now on; returns the unsubscribe function."""
        ...


class IdempotencyStore(Protocol):
    """Idempotency keys per tenant and the answers recorded for them."""

    def claim(
        self,
        tenant_id: str,
        key: str,
        *,
        fingerprint: str,
        now: float,
        expires_at: float,
        abandoned_before: float,
    ) -> RecordedRequest | None:
        """Take ``key`` for a new request (None), or return what it is already used for.

        An expired key, or one whose first request started before ``abandoned_before`` and
        never finished, is taken over.
        """
        ...

    def record(self, tenant_id: str, key: str, *, status: int, body: bytes) -> None:
        """Store the answer of the request that holds ``key``."""
        ...

    def forget(self, tenant_id: str, key: str) -> None:
        """Release ``key`` so a retry runs again."""
        ...
