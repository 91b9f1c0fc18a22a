"""Durable records the services read and write: tenants, generations, images, groups, motion,
webhooks, limits, idempotency keys, and read-only job figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from looksmith.domain.limits import TenantLimits, Usage
from looksmith.domain.media import AssetType, UploadCursor
from looksmith.domain.models import (
    ApiKeyRecord,
    AvatarGroup,
    ErrorFormat,
    Generation,
    GenerationStatus,
    GroupSummary,
    Look,
    LookStatus,
    RecordedRequest,
    StoredImage,
    Tenant,
    TrainStatus,
)
from looksmith.domain.motion import MotionClip, SoundStatus
from looksmith.domain.progress import QueueSnapshot
from looksmith.domain.specs import FaceBox
from looksmith.domain.webhooks import Delivery, WebhookEndpoint


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


class WebhookStore(Protocol):
    """Endpoints and deliveries, durably."""

    def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        """Store a new endpoint."""
        ...

    def get_endpoint(self, endpoint_id: str) -> WebhookEndpoint | None:
        """The endpoint, whoever owns it."""
        ...

    def list_endpoints(self, tenant_id: str) -> Sequence[WebhookEndpoint]:
        """The tenant's endpoints, oldest first."""
        ...

    def save_endpoint(self, endpoint: WebhookEndpoint) -> None:
        """Overwrite an endpoint's url, events, status and ``updated_at``."""
        ...

    def delete_endpoint(self, endpoint_id: str, *, tenant_id: str) -> bool:
        """Delete the tenant's endpoint; report whether it existed."""
        ...

    def tenant_name(self, tenant_id: str) -> str | None:
        """The tenant's name, or None if there is no such tenant."""
        ...

    def add_deliveries(self, deliveries: Sequence[Delivery]) -> None:
        """Store new deliveries in one commit."""
        ...

    def claim_due(self, *, now: float, lease_seconds: float) -> Delivery | None:
        """Lease the oldest pending delivery that is due, counting the attempt."""
        ...

    def settle(self, delivery: Delivery) -> None:
        """Write the outcome of an attempt (state, statuses, next time) and drop the lease."""
        ...

    def get_delivery(self, delivery_id: str, *, tenant_id: str) -> Delivery | None:
        """The tenant's delivery, or None."""
        ...

    def list_deliveries(
        self, tenant_id: str, *, endpoint_id: str | None, limit: int
    ) -> Sequence[Delivery]:
        """The tenant's newest deliveries, to one endpoint if given."""
        ...

    def redeliver(self, delivery_id: str, *, tenant_id: str, now: float) -> bool:
        """Make the tenant's delivery pending and due now; report whether it exists."""
        ...


class TenantLimitRepository(Protocol):
    """Stored overrides and the counts quotas compare against."""

    def get_limits(self, tenant_id: str) -> TenantLimits | None:
        """The tenant's overrides, or None if it has none."""
        ...

    def set_limits(self, tenant_id: str, limits: TenantLimits) -> None:
        """Store the tenant's overrides, replacing any before."""
        ...

    def usage(self, tenant_id: str) -> Usage:
        """Count the tenant's unfinished jobs and images."""
        ...

    def find_tenants(self, name_or_id: str) -> list[Tenant]:
        """Tenants whose id or name equals ``name_or_id``."""
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


class ProgressQueries(Protocol):
    """Read-only queue figures for progress reports."""

    def queue_snapshot(self, generation_id: str, *, now: float) -> QueueSnapshot:
        """The generation's job, claimable jobs created before it, live jobs, recent durations."""
        ...

    def finished_since(self, tenant_id: str, *, since: float, limit: int) -> Sequence[Generation]:
        """The tenant's terminal generations updated at or after ``since``, oldest first."""
        ...


class JobStats(Protocol):
    """Job and worker figures for metrics, aggregated from the durable jobs and workers."""

    def jobs_by_state(self) -> dict[tuple[str, str], int]:
        """Number of jobs per (kind, state)."""
        ...

    def queue_depth(self) -> int:
        """Jobs waiting for a worker."""
        ...

    def attempts_and_failures(self) -> dict[str, tuple[int, int]]:
        """Per kind: attempts in all, and failed jobs."""
        ...

    def durations(self) -> dict[str, tuple[int, float]]:
        """Per kind: done jobs and the seconds they took in all."""
        ...

    def worker_heartbeats(self) -> list[tuple[str, str, float]]:
        """Worker id, kind and last heartbeat time of every worker."""
        ...
