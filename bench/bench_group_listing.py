"""Listing a group of 5,000 looks, and the group list it is in, through the ASGI app.

(l) ``GET /v2/avatar_group/{id}/avatars`` without paging parameters (every look, one SQL query)
    against a page of 50 in the same run: time per request, and time per listed look, so the
    ratio shows whether a big listing costs more than its size; ``avatar_group.list`` of that
    tenant (one group whose preview and look count cover 5,000 looks) against the same page.
The looks are seeded straight into a SQLite database through the repository; the app runs
in-process (no socket), so the figures are the service's own: query, mapping, signing, JSON.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import event

from looksmith.api.app import create_app
from looksmith.composition.api import build_api
from looksmith.config import RateLimitSettings, Settings
from looksmith.db.groups import SqlGroupRepository
from looksmith.db.migrate import upgrade
from looksmith.domain.models import (
    AvatarGroup,
    BusinessType,
    ImageSource,
    Look,
    LookStatus,
    StoredImage,
    new_id,
)

LOOKS = 5000
PAGE = 50
ROUNDS = 15


def _look(tenant_id: str, group_id: str, look_id: str, at: float) -> tuple[Look, StoredImage]:
    look = Look(
        id=look_id, tenant_id=tenant_id, group_id=group_id, name="bench",
        status=LookStatus.COMPLETED, message=None, business_type=BusinessType.USER_UPLOAD,
        face=None, created_at=at, updated_at=at,
    )  # fmt: skip
    image = StoredImage(
        id=look_id, tenant_id=tenant_id, generation_id=None, content_type="image/jpeg",
        size=0, etag="", created_at=at, source=ImageSource.LOOK,
    )  # fmt: skip
    return look, image


def _seed(repo: SqlGroupRepository, tenant_id: str) -> str:
    group = AvatarGroup(id=new_id(), tenant_id=tenant_id, name="bench", created_at=1_000.0)
    repo.add_group(group, *_look(tenant_id, group.id, group.id, 1_000.0))
    more = [_look(tenant_id, group.id, new_id(), 1_000.0 + i) for i in range(1, LOOKS)]
    for start in range(0, len(more), 500):
        repo.add_looks(more[start : start + 500])
    return group.id


def _median_ms(action: Callable[[], object]) -> float:
    action()  # warm-up
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def run() -> dict[str, float]:
    """Measure (l): milliseconds per request (medians), ratios and statements per listing."""
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(
            data_dir=Path(scratch) / "data", rate_limit=RateLimitSettings(enabled=False)
        )
        upgrade(settings.sqlalchemy_url)
        parts = build_api(settings, default_base_url="http://bench")
        try:
            issued = parts.services.keys.create_tenant(name="bench")
            tenant_id = parts.services.keys.authenticate(key=issued.key)
            group_id = _seed(SqlGroupRepository(parts.adapters.database), tenant_id)
            client = TestClient(create_app(settings, parts=parts))  # no workers
            headers = {"x-api-key": issued.key}
            path = f"/v2/avatar_group/{group_id}/avatars"

            def listing(params: dict[str, int], count: int) -> Callable[[], object]:
                def fetch() -> None:
                    data = client.get(path, params=params, headers=headers).json()["data"]
                    assert len(data["avatar_list"]) == count, data["total_count"]

                return fetch

            statements: list[str] = []

            def record(*args: object) -> None:
                statements.append(str(args[2]))

            event.listen(parts.adapters.database, "before_cursor_execute", record)
            listing({}, LOOKS)()
            event.remove(parts.adapters.database, "before_cursor_execute", record)
            looks_queries = sum("FROM looks" in sql for sql in statements)

            everything = _median_ms(listing({}, LOOKS))
            page = _median_ms(listing({"limit": PAGE}, PAGE))
            last_page = _median_ms(listing({"limit": PAGE, "page": LOOKS // PAGE}, PAGE))
            groups = _median_ms(
                lambda: client.get("/v2/avatar_group.list", headers=headers).raise_for_status()
            )
        finally:
            parts.adapters.database.dispose()
    return {
        "all_ms": everything,
        "page_ms": page,
        "last_page_ms": last_page,
        "groups_ms": groups,
        "all_over_page": everything / page,
        "per_look_all_over_page": (everything / LOOKS) / (page / PAGE),
        "last_over_first_page": last_page / page,
        "groups_over_page": groups / page,
        "looks_queries": looks_queries,
    }


def report(figures: dict[str, float]) -> None:
    """Print the figures."""
    print(f"(l) a group of {LOOKS:,} looks through the ASGI app, median of {ROUNDS}")
    print(f"    every look, no paging: {figures['all_ms']:.1f} ms "
          f"({figures['looks_queries']:.0f} SQL statement on looks)")  # fmt: skip
    print(f"    page of {PAGE} (baseline): {figures['page_ms']:.2f} ms; "
          f"last page: {figures['last_page_ms']:.2f} ms")  # fmt: skip
    print(f"    all / page: {figures['all_over_page']:.1f}; per look, all / page: "
          f"{figures['per_look_all_over_page']:.2f}; last page / first page: "
          f"{figures['last_over_first_page']:.2f}")  # fmt: skip
    print(f"    avatar_group.list (its one group of {LOOKS:,} looks) / page: "
          f"{figures['groups_over_page']:.2f}")  # fmt: skip


if __name__ == "__main__":
    report(run())
