"""Rate limits and quotas through the app: 429s with their headers, nothing stored when refused.

The clients here run no lifespan, so the worker pool stays stopped and jobs stay queued until a
test drains them with ``run_until_idle``.
"""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient

from looksmith.api.schemas.photo_avatar import GeneratePhotoRequest
from looksmith.composition.api import ApiParts as ApiParts
from looksmith.composition.services import build_limit_service
from looksmith.config import RateLimitSettings, Settings
from looksmith.domain.limits import TenantLimits
from tests.support import VALID_BODY
from tests.support.limits import generate, limited_app
from tests.support.photos import astronaut_jpeg

GENERATE = "/v2/photo_avatar/photo/generate"
STATUS = "/v2/photo_avatar/generation/"


def tenant_of(parts: ApiParts, key: str) -> str:
    return parts.services.keys.authenticate(key=key)


def limit(parts: ApiParts, key: str, **changes: float) -> None:
    """Override limits of the key's tenant."""
    parts.services.limits.set_limits(tenant=tenant_of(parts, key), changes=TenantLimits(**changes))


def test_writes_past_the_burst_get_429_with_headers(
    settings: Settings, parts: ApiParts, api_key: str
):
    limit(parts, api_key, requests_per_second=0.5, burst=3)
    client = TestClient(limited_app(settings, parts))
    for _ in range(3):
        assert generate(client, api_key) == 200
    response = client.post(GENERATE, json=VALID_BODY, headers={"x-api-key": api_key})
    assert response.status_code == 429
    assert response.json() == {
        "error": response.json()["error"],
        "code": "rate_limit_exceeded",
        "data": None,
    }
    assert "Too many write requests" in response.json()["error"]
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 2
    assert response.headers["ratelimit-policy"] == '"write";q=3;w=6'
    assert response.headers["ratelimit"] == f'"write";r=0;t={retry_after}'
    assert "x-request-id" in response.headers


def test_another_tenant_keeps_its_own_budget(
    settings: Settings, parts: ApiParts, api_key: str, other_key: str
):
    limit(parts, api_key, requests_per_second=0.5, burst=1)
    client = TestClient(limited_app(settings, parts))
    assert generate(client, api_key) == 200
    assert generate(client, api_key) == 429
    assert generate(client, other_key) == 200


def test_admitted_requests_carry_their_bucket(settings: Settings, parts: ApiParts, api_key: str):
    client = TestClient(limited_app(settings, parts))
    response = client.get("/v2/avatar_group.list", headers={"x-api-key": api_key})
    assert response.status_code == 200
    assert response.headers["ratelimit-policy"] == '"read";q=200;w=2'
    assert response.headers["ratelimit"] == '"read";r=199;t=1'


def test_unknown_keys_answer_401_not_429(settings: Settings, parts: ApiParts):
    client = TestClient(limited_app(settings, parts))
    for _ in range(3):
        assert generate(client, "lk_unknown") == 401


def test_queued_jobs_quota_refuses_and_stores_nothing(
    settings: Settings, parts: ApiParts, api_key: str
):
    limit(parts, api_key, max_queued_jobs=2)
    client = TestClient(limited_app(settings, parts))
    assert generate(client, api_key) == 200
    assert generate(client, api_key) == 200
    response = client.post(GENERATE, json=VALID_BODY, headers={"x-api-key": api_key})
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limit_exceeded"
    assert response.headers["retry-after"] == "5"
    assert response.headers["ratelimit"] == '"jobs";r=0;t=5'
    usage = parts.services.limits.view(tenant=tenant_of(parts, api_key)).usage
    assert usage.queued_jobs == 2  # the refused request created no generation and no job
    assert parts.work.pool is not None
    parts.work.pool.run_until_idle()
    assert generate(client, api_key) == 200  # finished jobs free the quota


def test_image_quota_refuses_uploads_and_generations(
    settings: Settings, parts: ApiParts, api_key: str
):
    limit(parts, api_key, max_images=5)
    client = TestClient(limited_app(settings, parts))
    headers = {"x-api-key": api_key, "content-type": "image/jpeg"}
    assert client.post("/v1/asset", content=astronaut_jpeg(), headers=headers).status_code == 200
    assert generate(client, api_key) == 200  # 1 stored + 4 to come = 5
    refused = client.post("/v1/asset", content=astronaut_jpeg(), headers=headers)
    assert refused.status_code == 429
    assert "Image quota" in refused.json()["message"]
    assert refused.json()["code"] == 401028
    assert int(refused.headers["retry-after"]) >= 1
    assert generate(client, api_key) == 429
    usage = parts.services.limits.view(tenant=tenant_of(parts, api_key)).usage
    assert (usage.images, usage.pending_images) == (1, 4)


def test_cached_status_polls_are_not_rate_limited(
    settings: Settings, parts: ApiParts, api_key: str
):
    low_reads = settings.model_copy(
        update={"rate_limit": RateLimitSettings(read_rps=0.01, read_burst=2)}
    )
    adapters = parts.adapters
    limits = build_limit_service(low_reads, adapters.repos.tenant_limits, adapters.clock)
    wired = dataclasses.replace(parts, services=dataclasses.replace(parts.services, limits=limits))
    client = TestClient(limited_app(settings, wired))
    response = client.post(GENERATE, json=VALID_BODY, headers={"x-api-key": api_key})
    generation_id = response.json()["data"]["generation_id"]
    assert parts.work.pool is not None
    parts.work.pool.run_until_idle()
    # The first poll goes through the route (one read token) and fills the fast lane's cache.
    for _ in range(10):
        poll = client.get(STATUS + generation_id, headers={"x-api-key": api_key})
        assert poll.status_code == 200
    listed = client.get("/v2/avatar_group.list", headers={"x-api-key": api_key})
    assert listed.status_code == 200  # the second token
    assert client.get("/v2/avatar_group.list", headers={"x-api-key": api_key}).status_code == 429


def submit(parts: ApiParts, tenant_id: str) -> str:
    request = GeneratePhotoRequest.model_validate(VALID_BODY).to_request()
    return parts.services.generations.submit(tenant_id=tenant_id, request=request).id


def test_workers_skip_tenants_at_their_running_cap(parts: ApiParts):
    a = parts.services.keys.create_tenant(name="capped").tenant.id
    b = parts.services.keys.create_tenant(name="free").tenant.id
    parts.services.limits.set_limits(tenant=a, changes=TenantLimits(max_running_jobs=1))
    a_jobs = [submit(parts, a) for _ in range(2)]
    b_jobs = [submit(parts, b) for _ in range(2)]
    now, claim = parts.adapters.clock.now(), parts.adapters.jobs.claim
    claimed = [claim(now=now, lease_seconds=60) for _ in range(4)]
    assert [job.target_id if job else None for job in claimed] == [a_jobs[0], *b_jobs, None]
    first = claimed[0]
    assert first is not None
    late = dict(now=now, lease_seconds=60, worker_id="w")
    assert parts.adapters.jobs.claim_target(first.kind, a_jobs[1], **late) is None
    parts.adapters.jobs.finish(first, failed=False, error=None, now=now)
    second = claim(now=now, lease_seconds=60)
    assert second is not None and second.target_id == a_jobs[1]


def test_a_refusal_is_not_replayed_to_the_retry_it_invites(
    settings: Settings, parts: ApiParts, api_key: str
):
    limit(parts, api_key, max_queued_jobs=1)
    client = TestClient(limited_app(settings, parts))
    assert generate(client, api_key) == 200
    headers = {"x-api-key": api_key, "idempotency-key": "retry-me"}
    refused = client.post(GENERATE, json=VALID_BODY, headers=headers)
    assert refused.status_code == 429
    assert parts.work.pool is not None
    parts.work.pool.run_until_idle()
    retried = client.post(GENERATE, json=VALID_BODY, headers=headers)
    assert retried.status_code == 200  # run afresh, not the stored 429
    assert "idempotent-replayed" not in retried.headers
    again = client.post(GENERATE, json=VALID_BODY, headers=headers)
    assert (again.status_code, again.headers["idempotent-replayed"]) == (200, "true")
    assert again.json() == retried.json()
