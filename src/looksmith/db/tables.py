"""The schema, as SQLAlchemy Core tables; Alembic migrations create it."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

metadata = MetaData()


def face_columns() -> list[Column[int]]:
    """Nullable face box columns, for tables whose pictures may show a face."""
    return [Column(f"face_{part}", Integer, nullable=True) for part in ("x", "y", "w", "h")]


def motion_columns() -> list[Column[object]]:
    """A motion look's origin, preview size and sound effect; plain looks leave them empty."""
    return [
        Column("is_motion", Boolean, nullable=False, server_default=false()),
        Column("parent_id", String(32), nullable=True),
        Column("motion_type", String(32), nullable=True),
        Column("motion_prompt", Text, nullable=True),
        Column("motion_scene", Text, nullable=True),
        Column("upscaled", Boolean, nullable=False, server_default=false()),
        Column("upscaled_look_id", String(32), nullable=True, index=True),
        Column("media_width", Integer, nullable=True),
        Column("media_height", Integer, nullable=True),
        Column("media_duration", Float, nullable=True),
        Column("sound_effect_id", String(32), nullable=True),
        Column("sound_status", String(16), nullable=True),
        Column("sound_size", Integer, nullable=True),
        Column("sound_duration", Float, nullable=True),
        Column("sound_created_at", Float, nullable=True),
    ]


tenants = Table(
    "tenants",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", Float, nullable=False),
    # 'string' or 'object'; NULL follows the server's LOOKSMITH_ERROR_FORMAT.
    Column("error_format", String(16), nullable=True),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(32), ForeignKey("tenants.id"), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float, nullable=True),
)

generations = Table(
    "generations",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(32), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("age", String(32), nullable=False),
    Column("gender", String(32), nullable=False),
    Column("ethnicity", String(32), nullable=False),
    Column("orientation", String(16), nullable=False),
    Column("pose", String(16), nullable=False),
    Column("style", String(16), nullable=False),
    Column("appearance", Text, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("message", Text, nullable=True),
    # Image ids in display order, space separated: the status read stays one primary-key lookup.
    Column("image_ids", Text, nullable=False, default=""),
    Column("callback_url", Text, nullable=True),
    Column("callback_id", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("kind", String(16), nullable=False, server_default="photo"),
    Column("group_id", String(32), nullable=True, index=True),
)

images = Table(
    "images",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(32), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("generation_id", String(32), ForeignKey("generations.id"), nullable=True, index=True),
    Column("content_type", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("etag", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("source", String(16), nullable=False, server_default="generation"),
    Column("width", Integer, nullable=True),
    Column("height", Integer, nullable=True),
    *face_columns(),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(64), nullable=False),
    Column("target_id", String(32), nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("lease_until", Float, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    # When a worker last started this job, when it ended, and who ran it: for metrics and sweeps.
    Column("started_at", Float, nullable=True),
    Column("finished_at", Float, nullable=True),
    Column("worker_id", String(64), nullable=True),
    Column("dispatched_at", Float, nullable=True),
    # Whose job it is: workers take queued jobs round-robin across tenants.
    Column("tenant_id", String(32), nullable=True, index=True),
    Index("ix_jobs_state_lease", "state", "lease_until"),
    Index("ix_jobs_target", "target_id"),
)

avatar_groups = Table(
    "avatar_groups",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(32), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("train_status", String(16), nullable=True),
    Column("train_error", Text, nullable=True),
    Column("train_created_at", Float, nullable=True),
    Column("train_updated_at", Float, nullable=True),
    Column("flow_id", String(32), nullable=True),
    Column("identity_key", Text, nullable=True),
)

looks = Table(
    "looks",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(32), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("group_id", String(32), ForeignKey("avatar_groups.id"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("message", Text, nullable=True),
    Column("business_type", String(16), nullable=False),
    *face_columns(),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    *motion_columns(),
)

workers = Table(
    "workers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started_at", Float, nullable=False),
    Column("heartbeat_at", Float, nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("tenant_id", String(32), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("state", String(16), nullable=False),  # "pending" while the first request runs
    Column("response_status", Integer, nullable=True),
    Column("response_body", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
)

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(32), ForeignKey("tenants.id"), nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("events", Text, nullable=True),  # JSON list; null means every event
    Column("secret", String(100), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("tenant_id", String(32), nullable=False, index=True),
    Column("endpoint_id", String(32), nullable=True, index=True),  # null: a request's callback_url
    Column("url", Text, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("state", String(16), nullable=False),  # pending, delivered, failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", Float, nullable=True),
    Column("lease_until", Float, nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("delivered_at", Float, nullable=True),
    Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
)

tenant_limits = Table(
    "tenant_limits",
    metadata,
    Column("tenant_id", String(32), ForeignKey("tenants.id"), primary_key=True),
    Column("requests_per_second", Float, nullable=True),
    Column("burst", Integer, nullable=True),
    Column("max_running_jobs", Integer, nullable=True),
    Column("max_queued_jobs", Integer, nullable=True),
    Column("max_images", Integer, nullable=True),
)
