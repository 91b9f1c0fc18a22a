"""Workers take jobs round-robin across tenants: one tenant's burst does not starve another."""

from __future__ import annotations

from looksmith.api.schemas.photo_avatar import GeneratePhotoRequest
from looksmith.composition.api import ApiParts
from tests.support import VALID_BODY


def submit(parts: ApiParts, tenant_id: str) -> str:
    request = GeneratePhotoRequest.model_validate(VALID_BODY).to_request()
    return parts.services.generations.submit(tenant_id=tenant_id, request=request).id


def test_claims_alternate_between_tenants_with_queued_work(parts: ApiParts):
    a = parts.services.keys.create_tenant(name="a").tenant.id
    b = parts.services.keys.create_tenant(name="b").tenant.id
    a_jobs = [submit(parts, a) for _ in range(5)]
    b_jobs = [submit(parts, b) for _ in range(2)]
    clock = parts.adapters.clock
    order = []
    for _ in range(7):
        job = parts.adapters.jobs.claim(now=clock.now(), lease_seconds=60)
        assert job is not None
        order.append(job.target_id)
    assert order == [a_jobs[0], b_jobs[0], a_jobs[1], b_jobs[1], *a_jobs[2:]]
