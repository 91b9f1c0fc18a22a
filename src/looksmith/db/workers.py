"""Worker processes announce themselves and heart-beat in the database, for metrics and probes."""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert, update

from looksmith.db.tables import workers


class SqlWorkerRegistry:
    """One row per live worker process (in-process pool or Celery worker)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def register(self, *, worker_id: str, kind: str, host: str, pid: int, now: float) -> None:
        """Announce a worker; a restarted worker with the same id replaces its old row."""
        with self._engine.begin() as conn:
            conn.execute(delete(workers).where(workers.c.id == worker_id))
            conn.execute(
                insert(workers).values(
                    id=worker_id, kind=kind, host=host, pid=pid, started_at=now, heartbeat_at=now
                )
            )

    def heartbeat(self, *, worker_id: str, now: float) -> None:
        """Say the worker is still alive."""
        with self._engine.begin() as conn:
            conn.execute(update(workers).where(workers.c.id == worker_id).values(heartbeat_at=now))

    def unregister(self, *, worker_id: str) -> None:
        """Remove a worker that stopped cleanly."""
        with self._engine.begin() as conn:
            conn.execute(delete(workers).where(workers.c.id == worker_id))
