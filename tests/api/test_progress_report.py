"""The progress report of a finished generation, read before its job is marked done."""

from __future__ import annotations

from looksmith.api.schemas.photo_avatar import GeneratePhotoRequest
from looksmith.composition.api import ApiParts
from looksmith.domain.models import GenerationStatus
from tests.support import VALID_BODY


def test_a_success_committed_before_its_job_is_done_reports_when_it_finished(parts: ApiParts):
    tenant_id = parts.services.keys.create_tenant(name="t").tenant.id
    request = GeneratePhotoRequest.model_validate(VALID_BODY).to_request()
    submitted = parts.services.generations.submit(tenant_id=tenant_id, request=request)
    # The handler alone: the status commits, the runner has not yet marked the job done.
    parts.services.generations.run(submitted.id)
    progress = parts.services.progress
    generation = progress.get(tenant_id=tenant_id, generation_id=submitted.id)
    assert generation.status is GenerationStatus.SUCCESS
    report = progress.report(generation)
    assert report.progress == 1.0
    assert report.finished_at == generation.updated_at
