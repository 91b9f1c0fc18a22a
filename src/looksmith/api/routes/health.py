"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from looksmith.api.deps import Parts
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
def readyz(parts: Parts) -> JSONResponse:
    """Ready when the database answers and the workers run."""
    checks = {"database": parts.database_ready(), "workers": parts.workers_ready()}
    ready = all(checks.values())
    body = HealthResponse(status="ok" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
