"""Liveness and readiness probes."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from looksmith.api.deps import ContainerDep
from looksmith.api.schemas import HealthResponse

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)


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
    checks = {"database": _database_ok(container), "workers": container.workers.is_ready()}
    ready = all(checks.values())
    body = HealthResponse(status="ok" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


def _database_ok(container: ContainerDep) -> bool:
    try:
        with container.database.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        log.exception("database check failed")
        return False
    return True
