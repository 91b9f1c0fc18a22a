"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from looksmith.api.deps import ContainerDep
from looksmith.api.schemas.health import HealthResponse

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthResponse, summary="Liveness")
async def healthz() -> HealthResponse:
    """The process answers."""
    return HealthResponse(status="ok")


@router.get(
    "/readyz",
    response_model=HealthResponse,
    responses={503: {"model": HealthResponse, "description": "Not ready"}},
    summary="Readiness: database and workers",
)
def readyz(container: ContainerDep) -> JSONResponse:
    """Ready when the database answers and the workers run."""
    checks = {"database": container.database_ready(), "workers": container.queue.is_ready()}
    ready = all(checks.values())
    body = HealthResponse(status="ok" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
