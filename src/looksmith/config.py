"""The one ``Settings`` object, read from ``LOOKSMITH_*`` variables once and passed in."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Re-exported: code that reads Settings names its error format from here.
from looksmith.domain.models import ErrorFormat as ErrorFormat


class StorageKind(StrEnum):
    """Where blobs live."""

    LOCAL = "local"
    S3 = "s3"


class StorageSettings(BaseModel):
    """``LOOKSMITH_STORAGE__*``: the blob store; S3 credentials come from the AWS variables."""

    model_config = {"frozen": True}

    kind: StorageKind = Field(default=StorageKind.LOCAL, description="'local' or 's3'.")
    bucket: str | None = Field(default=None, description="S3 bucket; required for 's3'.")
    endpoint_url: str | None = Field(
        default=None, description="S3-compatible endpoint, e.g. MinIO; default: AWS."
    )
    region: str | None = Field(default=None, description="S3 region, e.g. 'eu-west-1'.")
    prefix: str = Field(default="", description="Prefix for every key in the bucket.")


class QueueKind(StrEnum):
    """How jobs reach workers."""

    INPROCESS = "inprocess"
    CELERY = "celery"


class QueueSettings(BaseModel):
    """``LOOKSMITH_QUEUE__*``: job dispatch."""

    model_config = {"frozen": True}

    kind: QueueKind = Field(
        default=QueueKind.INPROCESS,
        description="'inprocess' (threads in the API process) or 'celery' (separate workers).",
    )
    broker_url: str | None = Field(
        default=None, description="Celery broker, e.g. redis://127.0.0.1:6379/0; for 'celery'."
    )
    events_url: str | None = Field(
        default=None,
        description="Redis URL for status-change fan-out; default: the broker when it is Redis.",
    )
    redispatch_seconds: float = Field(
        default=60.0,
        gt=0,
        description=(
            "A queued job untaken this long is sent again: its task may have died unacknowledged "
            "with a worker. Costs one duplicate message per waiting job per interval."
        ),
    )
    sweep_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often committed jobs that no worker holds are dispatched again.",
    )


class RateLimitSettings(BaseModel):
    """``LOOKSMITH_RATE_LIMIT__*``: per-tenant request rates and quotas; tenants may override."""

    model_config = {"frozen": True}

    enabled: bool = Field(default=True, description="Apply rate limits and quotas at all.")
    redis_url: str | None = Field(
        default=None,
        description="Redis for buckets shared by API processes; default: a Redis Celery broker.",
    )
    # Defaults let through every client HeyGen let through (it documents no per-endpoint rate
    # for these routes): a batch client uploading a folder or polling many generations at once.
    read_rps: float = Field(default=100.0, gt=0, description="GET requests per second.")
    read_burst: int = Field(default=200, ge=1, description="GET requests in a burst.")
    write_rps: float = Field(
        default=50.0, gt=0, description="POST, PATCH and DELETE requests per second."
    )
    write_burst: int = Field(default=100, ge=1, description="Writes in a burst.")
    upload_rps: float = Field(default=20.0, gt=0, description="POST /v1/asset per second.")
    upload_burst: int = Field(default=50, ge=1, description="Uploads in a burst.")
    max_running_jobs: int | None = Field(
        default=None, ge=0, description="Jobs of one tenant running at once; unset: no cap."
    )
    max_queued_jobs: int | None = Field(
        default=None, ge=0, description="Queued plus running jobs of one tenant; unset: no cap."
    )
    max_images: int | None = Field(
        default=None, ge=0, description="Images one tenant may store; unset: no cap."
    )
    cache_seconds: float = Field(
        default=5.0, ge=0, description="How long a tenant's limits are trusted before re-reading."
    )


class DiffusersSettings(BaseModel):
    """``LOOKSMITH_DIFFUSERS__*``: the ``diffusers`` engine (needs ``looksmith[diffusers]``)."""

    model_config = {"frozen": True}

    model: str | None = Field(
        default=None,
        description=(
            "Base model: a local folder saved by diffusers, or a Hugging Face hub id the worker "
            "can download (SD 1.5, SD 2.1, SDXL, SD/SDXL-Turbo); required for this engine."
        ),
    )
    devices: str = Field(
        default="cuda",
        description="Comma-separated torch devices, one engine host process each: 'cuda:0,cuda:1'.",
    )
    dtype: Literal["float16", "bfloat16", "float32"] = Field(
        default="float16", description="Weights' precision; 'float32' on CPU."
    )
    steps: int = Field(default=30, ge=1, le=200, description="Denoising steps (Turbo: 1 to 4).")
    guidance: float = Field(
        default=7.0, ge=0, le=30, description="Classifier-free guidance scale (Turbo: 0)."
    )
    scheduler: str | None = Field(
        default=None,
        description="A diffusers scheduler class, e.g. 'DPMSolverMultistepScheduler'; default: "
        "the model's own.",
    )
    resolution: int | None = Field(
        default=None,
        ge=64,
        le=2048,
        description="Native side length to render at (the area kept, the aspect ratio of the "
        "picture); default: the model's own (512 for SD 1.5, 1024 for SDXL).",
    )
    batch_size: int = Field(
        default=8,
        ge=1,
        le=64,
        description="Largest number of pictures denoised at once; above 4 (the pictures of one "
        "generation), jobs waiting together are joined into one batch.",
    )
    identity_token: str = Field(
        default="ohwx", min_length=1, description="Rare token that names a trained person."
    )
    lora_rank: int = Field(default=16, ge=1, le=256, description="Rank of a group's LoRA.")
    lora_steps: int = Field(default=500, ge=1, le=20000, description="Training steps per group.")
    lora_learning_rate: float = Field(default=1e-4, gt=0, le=1, description="LoRA learning rate.")
    cpu_threads: int | None = Field(
        default=None,
        ge=1,
        le=256,
        description="Threads torch uses on the CPU per host; default: torch's own (all cores).",
    )
    host_restarts: int = Field(
        default=2, ge=0, le=10, description="Times a job is resent to a fresh host if one dies."
    )
    start_timeout_seconds: float = Field(
        default=900.0, gt=0, description="Longest wait for a host to load its model."
    )
    host_silence_seconds: float = Field(
        default=600.0,
        gt=0,
        description="Longest a running job's host may send nothing (no step, no result) before "
        "it counts as hung: it is killed and the job resent to a fresh host.",
    )

    @field_validator("devices")
    @classmethod
    def _some_device(cls, value: str) -> str:
        if not any(device.strip() for device in value.split(",")):
            raise ValueError(
                "LOOKSMITH_DIFFUSERS__DEVICES names no device: give one or more torch devices, "
                "comma-separated, e.g. 'cuda' or 'cuda:0,cuda:1'"
            )
        return value

    @property
    def device_list(self) -> list[str]:
        """The devices, one engine host each."""
        return [device.strip() for device in self.devices.split(",") if device.strip()]


class Settings(BaseSettings):
    """Everything an operator can set; defaults give the embedded, single-process service."""

    model_config = SettingsConfigDict(
        env_prefix="LOOKSMITH_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    storage: StorageSettings = Field(default_factory=StorageSettings)
    queue: QueueSettings = Field(default_factory=QueueSettings)
    rate_limit: RateLimitSettings = Field(default_factory=RateLimitSettings)
    diffusers: DiffusersSettings = Field(default_factory=DiffusersSettings)

    data_dir: Path = Field(
        default=Path("var"),
        description="Folder holding all local state: the SQLite file, blobs, the signing secret.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database; default: SQLite at <data_dir>/looksmith.db.",
    )
    public_base_url: str | None = Field(
        default=None,
        description="Base of image URLs given to clients; default: the address served.",
    )
    error_format: ErrorFormat = Field(
        default=ErrorFormat.STRING,
        description="'string' for {error: '...', code} or 'object' for {error: {code, message}}.",
    )
    workers: int = Field(
        default=2, ge=1, le=64, description="Threads of the in-process worker pool."
    )
    image_url_ttl_seconds: int = Field(
        default=7 * 24 * 3600, ge=60, description="How long a signed image URL stays valid."
    )
    job_lease_seconds: float = Field(
        default=60.0,
        gt=0,
        description="How long a worker may hold a job without a heartbeat before it runs again.",
    )
    job_visibility_timeout_seconds: float = Field(
        default=3600.0,
        gt=0,
        description="Celery redelivers a task unacknowledged this long; longer than any job.",
    )
    job_max_attempts: int = Field(
        default=3, ge=1, description="How many times a job runs before its object is failed."
    )
    auth_cache_seconds: float = Field(
        default=2.0,
        ge=0,
        description=(
            "How long a checked API key, or the status of a finished generation, is trusted "
            "without asking the database again."
        ),
    )
    max_json_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Largest JSON request body, in bytes."
    )
    max_upload_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Largest accepted upload, in bytes."
    )
    engine: str = Field(
        default="procedural",
        description="Image engine: 'procedural' (built in) or 'diffusers' (looksmith[diffusers]).",
    )
    webhook_allow_private: bool = Field(
        default=False,
        description=(
            "Let webhook URLs reach loopback, private, link-local, unspecified or multicast "
            "addresses; off, such URLs are refused when added and again when sent."
        ),
    )

    @model_validator(mode="after")
    def _complete(self) -> Self:
        """Refuse configurations that cannot work, before anything starts."""
        if self.storage.kind is StorageKind.S3 and not self.storage.bucket:
            raise ValueError("LOOKSMITH_STORAGE__BUCKET is required when storage kind is s3")
        if self.engine == "diffusers" and not self.diffusers.model:
            raise ValueError("LOOKSMITH_DIFFUSERS__MODEL is required when the engine is diffusers")
        if self.queue.kind is QueueKind.CELERY and not self.queue.broker_url:
            raise ValueError("LOOKSMITH_QUEUE__BROKER_URL is required when queue kind is celery")
        return self

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'looksmith.db').resolve()}"

    @property
    def blob_dir(self) -> Path:
        """Folder of the local blob store."""
        return self.data_dir / "blobs"

    @property
    def secret_file(self) -> Path:
        """File holding this install's URL-signing secret."""
        return self.data_dir / "secret.key"
