"""The one ``Settings`` object, read from ``LOOKSMITH_*`` variables once and passed in."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ErrorFormat(StrEnum):
    """How error bodies look: the seed's string form, or the object form live HeyGen sent."""

    STRING = "string"
    OBJECT = "object"


class Settings(BaseSettings):
    """Everything an operator can set; defaults give the embedded, single-process service."""

    model_config = SettingsConfigDict(env_prefix="LOOKSMITH_", extra="ignore", frozen=True)

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
    max_upload_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024, description="Largest accepted upload, in bytes."
    )
    engine: str = Field(default="procedural", description="Image engine name: 'procedural'.")

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
