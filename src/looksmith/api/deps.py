"""Request dependencies: the wired services and the caller's tenant."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request, Response, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from looksmith.api.http.error_envelopes import record_error_format
from looksmith.api.live.long_poll import StatusWaiters
from looksmith.api.middleware.ratelimit import enforce_rate_limits
from looksmith.api.status_cache import StatusBodies
from looksmith.composition.api import ApiParts
from looksmith.composition.services import Services
from looksmith.services.assets import AssetService
from looksmith.services.generations import GenerationService
from looksmith.services.groups import GroupService
from looksmith.services.images import ImageService
from looksmith.services.motion import MotionService
from looksmith.services.motion_media import MotionMediaService
from looksmith.services.sound_effects import SoundEffectService
from looksmith.services.training import TrainingService

_api_key_header = APIKeyHeader(name="x-api-key", auto_error=False)
_bearer = HTTPBearer(auto_error=False)

T = TypeVar("T")
Dependency = Callable[[Request], Coroutine[Any, Any, T]]


def _wired(request: Request) -> ApiParts:
    parts: ApiParts = request.app.state.parts
    return parts


# Dependencies are ``async`` so FastAPI calls them on the event loop instead of a thread hop each.
async def _parts(request: Request) -> ApiParts:
    return _wired(request)


def _service(pick: Callable[[Services], T]) -> Dependency[T]:
    """A dependency that hands the route the service ``pick`` chooses from the wired ones."""

    async def dependency(request: Request) -> T:
        return pick(_wired(request).services)

    return dependency


async def _status_bodies(request: Request) -> StatusBodies:
    bodies: StatusBodies = request.app.state.status_bodies
    return bodies


async def _waiters(request: Request) -> StatusWaiters:
    waiters: StatusWaiters = request.app.state.waiters
    return waiters


async def _current_tenant(
    request: Request,
    response: Response,
    api_key: Annotated[str | None, Security(_api_key_header)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> str:
    # A key checked within the cache interval costs a dictionary lookup on the event loop; a
    # miss goes to the database in a worker thread, so a slow database never stalls the loop.
    key = api_key or (bearer.credentials if bearer else None)
    keys = _wired(request).services.keys
    caller = keys.cached_caller(key)
    if caller is None:
        caller = await run_in_threadpool(keys.caller, key=key)
    # From here on, errors (a 429 below included) answer in the tenant's own format.
    record_error_format(request.scope, caller.error_format)
    # After auth, so an unknown key answers 401 and spends no tenant's budget.
    await enforce_rate_limits(request, response, caller.tenant_id)
    return caller.tenant_id


Parts = Annotated[ApiParts, Depends(_parts)]
Generations = Annotated[GenerationService, Depends(_service(lambda s: s.generations))]
Images = Annotated[ImageService, Depends(_service(lambda s: s.images))]
Bodies = Annotated[StatusBodies, Depends(_status_bodies)]
Waiters = Annotated[StatusWaiters, Depends(_waiters)]
Assets = Annotated[AssetService, Depends(_service(lambda s: s.assets))]
Groups = Annotated[GroupService, Depends(_service(lambda s: s.groups))]
Training = Annotated[TrainingService, Depends(_service(lambda s: s.training))]
CurrentTenant = Annotated[str, Depends(_current_tenant)]
Motion = Annotated[MotionService, Depends(_service(lambda s: s.motion))]
SoundEffects = Annotated[SoundEffectService, Depends(_service(lambda s: s.sound_effects))]
MotionMedia = Annotated[MotionMediaService, Depends(_service(lambda s: s.motion_media))]
