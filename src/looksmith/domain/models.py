"""Plain data and state machines: ids, statuses and the objects the services pass around."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from enum import StrEnum

from looksmith.domain.motion import LookMotion
from looksmith.domain.specs import FaceBox, PhotoSpec

_HEX_ID = re.compile(r"[0-9a-f]{32}")
_IMAGE_KEY = re.compile(r"image/([0-9a-f]{32})/original(?:\.(?:jpg|jpeg|png|webp))?")


def new_id() -> str:
    """A fresh object id: 32 lowercase hex characters."""
    return uuid.uuid4().hex


def seed_from_id(object_id: str) -> int:
    """A stable 31-bit seed derived from an id, so a rerun renders the same bytes."""
    return int(hashlib.sha256(object_id.encode()).hexdigest()[:8], 16) & 0x7FFFFFFF


def derived_id(parent_id: str, index: int) -> str:
    """A stable id derived from a parent id, so a rerun produces the same ids again."""
    return hashlib.sha256(f"{parent_id}/{index}".encode()).hexdigest()[:32]


def is_hex_id(value: str) -> bool:
    """Whether ``value`` has the shape of an object id."""
    return _HEX_ID.fullmatch(value) is not None


def image_key(image_id: str) -> str:
    """The wire key of an image: ``image/<id>/original``."""
    return f"image/{image_id}/original"


def image_id_from_key(key: str) -> str | None:
    """The image id inside a key, accepting ``original`` with or without an extension, or the
    bare 32-hex id that ``POST /v1/asset`` answered as ``id``."""
    if is_hex_id(key):
        return key
    match = _IMAGE_KEY.fullmatch(key)
    return match.group(1) if match else None


class IllegalTransition(Exception):
    """A status change the state machine does not allow."""


class GenerationStatus(StrEnum):
    """Where a generation is in its life; ``queued`` and ``rendering`` read as in progress."""

    QUEUED = "queued"
    RENDERING = "rendering"
    SUCCESS = "success"
    FAILED = "failed"

    @property
    def is_terminal(self) -> bool:
        """Whether nothing more will happen to the generation."""
        return self in (GenerationStatus.SUCCESS, GenerationStatus.FAILED)

    def can_become(self, target: GenerationStatus) -> bool:
        """Whether the generation may move from this status to ``target``."""
        return target in _GENERATION_TRANSITIONS[self]

    def become(self, target: GenerationStatus) -> GenerationStatus:
        """Return ``target`` if the move is allowed, else raise ``IllegalTransition``."""
        if not self.can_become(target):
            raise IllegalTransition(f"generation cannot go from {self} to {target}")
        return target


# A rendering generation may go back to queued: its worker died and the job runs again.
_GENERATION_TRANSITIONS: dict[GenerationStatus, frozenset[GenerationStatus]] = {
    GenerationStatus.QUEUED: frozenset({GenerationStatus.RENDERING, GenerationStatus.FAILED}),
    GenerationStatus.RENDERING: frozenset(
        {GenerationStatus.QUEUED, GenerationStatus.SUCCESS, GenerationStatus.FAILED}
    ),
    GenerationStatus.SUCCESS: frozenset(),
    GenerationStatus.FAILED: frozenset(),
}


class ErrorFormat(StrEnum):
    """How v2 error bodies look: the seed's string form, or the object form live HeyGen sent."""

    STRING = "string"
    OBJECT = "object"


@dataclass(frozen=True, slots=True)
class Tenant:
    """An account; every object belongs to exactly one."""

    id: str
    name: str
    created_at: float
    error_format: ErrorFormat | None = None  # None: the server's setting


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    """A stored API key: its hash and a short prefix for people to recognise it by."""

    id: str
    tenant_id: str
    prefix: str
    key_hash: str
    created_at: float
    revoked_at: float | None


class GenerationKind(StrEnum):
    """Photos from attributes, or looks of a trained group."""

    PHOTO = "photo"
    LOOK = "look"


@dataclass(frozen=True, slots=True)
class Generation:
    """A request for four photos and, once rendered, their image ids in order."""

    id: str
    tenant_id: str
    name: str
    spec: PhotoSpec
    seed: int
    status: GenerationStatus
    message: str | None
    image_ids: tuple[str, ...]
    callback_url: str | None
    callback_id: str | None
    created_at: float
    updated_at: float
    kind: GenerationKind = GenerationKind.PHOTO
    group_id: str | None = None


class ImageSource(StrEnum):
    """Where an image came from."""

    UPLOAD = "upload"
    GENERATION = "generation"
    LOOK = "look"


@dataclass(frozen=True, slots=True)
class StoredImage:
    """An image blob the service owns, with what is needed to serve it."""

    id: str
    tenant_id: str
    generation_id: str | None
    content_type: str
    size: int
    etag: str
    created_at: float
    source: ImageSource = ImageSource.GENERATION
    width: int | None = None
    height: int | None = None
    face: FaceBox | None = None


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What the bytes of an uploaded image turned out to be."""

    content_type: str
    width: int
    height: int


class LookStatus(StrEnum):
    """A look waits for its face check, then is usable or refused."""

    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"


class TrainStatus(StrEnum):
    """Training of a group: running, done, or failed with a reason."""

    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class BusinessType(StrEnum):
    """How a look came to be, in HeyGen's words."""

    USER_UPLOAD = "user_upload"
    GENERATED = "generated"


@dataclass(frozen=True, slots=True)
class Look:
    """One picture of a group's person; its image id is its own id."""

    id: str
    tenant_id: str
    group_id: str
    name: str
    status: LookStatus
    message: str | None
    business_type: BusinessType
    face: FaceBox | None
    created_at: float
    updated_at: float
    motion: LookMotion | None = None  # set on motion looks (add_motion, upscale)


@dataclass(frozen=True, slots=True)
class AvatarGroup:
    """A person: their looks, and once trained, an identity the engine can render."""

    id: str
    tenant_id: str
    name: str
    created_at: float
    train_status: TrainStatus | None = None
    train_error: str | None = None
    train_created_at: float | None = None
    train_updated_at: float | None = None
    flow_id: str | None = None
    identity_key: str | None = None


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """A group as the list endpoint shows it; its preview is its oldest look that has a
    picture, else the picture the group was created from (kept as long as the group)."""

    group: AvatarGroup
    num_looks: int
    preview_image_id: str


@dataclass(frozen=True, slots=True)
class RenderedImage:
    """Encoded image bytes that an engine produced, and where it put the face."""

    data: bytes
    content_type: str
    width: int
    height: int
    face: FaceBox | None = None


class JobState(StrEnum):
    """Where a queued unit of work is."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobKind(StrEnum):
    """What a job does to its target."""

    RENDER_GENERATION = "render_generation"
    CHECK_LOOK = "check_look"
    TRAIN_GROUP = "train_group"
    ADD_MOTION = "add_motion"
    ADD_SOUND_EFFECT = "add_sound_effect"
    UPSCALE_LOOK = "upscale_look"


@dataclass(frozen=True, slots=True)
class Job:
    """A claimed unit of work: run ``kind`` on ``target_id``; ``attempts`` counts this one."""

    id: int
    kind: JobKind
    target_id: str
    attempts: int


@dataclass(frozen=True, slots=True)
class StatusChange:
    """Something a client may be waiting for changed state, e.g. a generation became success."""

    kind: str  # "generation", "look", "training", or an outbox-only kind of domain/webhooks.py
    id: str
    tenant_id: str
    status: str


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """What an idempotency key was first used for; ``status`` is None while it runs."""

    fingerprint: str
    status: int | None
    body: bytes
