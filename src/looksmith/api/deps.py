"""Request dependencies: the container's services and the caller's tenant."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from looksmith.api.http.error_envelopes import record_error_format
from looksmith.api.live.long_poll import StatusWaiters
from looksmith.api.middleware.ratelimit import enforce_rate_limits
from looksmith.api.status_cache import StatusBodies
from looksmith.container import Container
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


def _wired(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


# Dependencies are ``async`` so FastAPI calls them on the event loop instead of a thread hop each.
async def _container(request: Request) -> Container:
    return _wired(request)


async def _generations(request: Request) -> GenerationService:
    return _wired(request).generations


async def _images(request: Request) -> ImageService:
    return _wired(request).images


async def _assets(request: Request) -> AssetService:
    return _wired(request).assets


async def _groups(request: Request) -> GroupService:
    return _wired(request).groups


async def _training(request: Request) -> TrainingService:
    return _wired(request).training


async def _motion(request: Request) -> MotionService:
    return _wired(request).motion


async def _sound_effects(request: Request) -> SoundEffectService:
    return _wired(request).sound_effects


async def _motion_media(request: Request) -> MotionMediaService:
    return _wired(request).motion_media


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
    keys = _wired(request).keys
    caller = keys.cached_caller(key)
    if caller is None:
        caller = await run_in_threadpool(keys.caller, key=key)
    # From here on, errors (a 429 below included) answer in the tenant's own format.
    record_error_format(request.scope, caller.error_format)
    # After auth, so an unknown key answers 401 and spends no tenant's budget.
    await enforce_rate_limits(request, response, caller.tenant_id)
    return caller.tenant_id


ContainerDep = Annotated[Container, Depends(_container)]
Generations = Annotated[GenerationService, Depends(_generations)]
Images = Annotated[ImageService, Depends(_images)]
Bodies = Annotated[StatusBodies, Depends(_status_bodies)]
Waiters = Annotated[StatusWaiters, Depends(_waiters)]
Assets = Annotated[AssetService, Depends(_assets)]
Groups = Annotated[GroupService, Depends(_groups)]
Training = Annotated[TrainingService, Depends(_training)]
CurrentTenant = Annotated[str, Depends(_current_tenant)]
Motion = Annotated[MotionService, Depends(_motion)]
SoundEffects = Annotated[SoundEffectService, Depends(_sound_effects)]
MotionMedia = Annotated[MotionMediaService, Depends(_motion_media)]
