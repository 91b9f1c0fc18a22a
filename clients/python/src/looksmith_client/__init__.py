"""A Python client for the HeyGen Photo Avatar v2 API, as served by looksmith or HeyGen.

``Client`` blocks, ``AsyncClient`` awaits; both share one core (requests, answers, errors,
retries, waits) and differ only in how they send and sleep::

    from looksmith_client import Client

    with Client() as client:  # LOOKSMITH_BASE_URL, LOOKSMITH_API_KEY
        accepted = client.generate_photos(name="Ada", age="Young Adult", gender="Woman",
            ethnicity="East Asian", orientation="square", pose="half_body",
            style="Realistic", appearance="red hoodie, glasses")
        generation = client.wait(accepted.generation_id)
        client.download(generation, "out/")

Exceptions::

    LooksmithError
    ├── TransportError        the server could not be reached, or the connection broke
    │   └── Timeout           connect, send or read took too long
    ├── WaitTimeout           a wait ran out of time (also a TimeoutError)
    ├── ResponseError         the answer is not a v2 API answer
    └── ApiError              an error envelope: status_code, code, param, request_id
        ├── BadRequest        400, 413, 415, 422
        ├── Unauthorized      401, 403
        ├── NotFound          404
        ├── Conflict          409
        ├── RateLimited       429 (after retries), retry_after
        └── ServerError       5xx (503 after retries)

An image link refused with 403 (its signature expired) is an ``ApiError`` with ``code``
``image_link_refused``, not ``Unauthorized``: links carry no key. ``download`` first reads the
generation again, once, for fresh links. Inside a ``wait``, a retry that would sleep past the
wait's ``timeout`` raises ``WaitTimeout`` at once.

The package imports nothing of the looksmith server: it is its own distribution,
``looksmith-client``, and needs only httpx and pydantic.
"""

from looksmith_client._async import AsyncClient
from looksmith_client._errors import (
    ApiError,
    BadRequest,
    Conflict,
    LooksmithError,
    NotFound,
    RateLimited,
    ResponseError,
    ServerError,
    Timeout,
    TransportError,
    Unauthorized,
    WaitTimeout,
)
from looksmith_client._flow import RetryPolicy
from looksmith_client._models import (
    Accepted,
    Age,
    Asset,
    Ethnicity,
    Gender,
    Generation,
    Group,
    GroupList,
    Look,
    LookList,
    NewLook,
    Orientation,
    Pose,
    SoundEffectStarted,
    Style,
    Training,
    TrainingStarted,
    UpscaleAvailability,
)
from looksmith_client._sync import Client

__all__ = [
    "Accepted",
    "Age",
    "ApiError",
    "Asset",
    "AsyncClient",
    "BadRequest",
    "Client",
    "Conflict",
    "Ethnicity",
    "Gender",
    "Generation",
    "Group",
    "GroupList",
    "Look",
    "LookList",
    "LooksmithError",
    "NewLook",
    "NotFound",
    "Orientation",
    "Pose",
    "RateLimited",
    "ResponseError",
    "RetryPolicy",
    "ServerError",
    "SoundEffectStarted",
    "Style",
    "Timeout",
    "Training",
    "TrainingStarted",
    "TransportError",
    "Unauthorized",
    "UpscaleAvailability",
    "WaitTimeout",
]
