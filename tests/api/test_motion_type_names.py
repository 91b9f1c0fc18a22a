"""``motion_type`` names beyond HeyGen's seven, through the app: each makes a motion look."""

from __future__ import annotations

from fastapi.testclient import TestClient

from looksmith.composition.api import ApiParts
from looksmith.domain.motion import MotionType
from tests.support.api import completed_look, post


def test_names_from_heygens_guide_and_clients_make_motion_looks(
    client: TestClient, parts: ApiParts, api_key: str
):
    source = completed_look(client, api_key)
    tenant_id = parts.services.keys.authenticate(key=api_key)
    expected = {
        "runway_gen3": MotionType.CONSISTENT_GEN_3,
        "runway_gen4": MotionType.CONSISTENT,
        "veo3": MotionType.VEO2,
        "veo3.1": MotionType.VEO2,
        "hailuo_1": MotionType.HAILUO_2,
    }
    for name, character in expected.items():
        response = post(client, api_key, "add_motion", {"id": source["id"], "motion_type": name})
        assert response.status_code == 200, (name, response.text)
        look = parts.services.groups.look(
            tenant_id=tenant_id, look_id=response.json()["data"]["id"]
        )
        assert look.motion is not None and look.motion.motion_type is character


def test_avatar_iv_is_refused_as_heygen_refuses_it(client: TestClient, api_key: str):
    source = completed_look(client, api_key)
    response = post(client, api_key, "add_motion", {"id": source["id"], "motion_type": "avatar_iv"})
    assert response.status_code == 400
    assert response.json()["error"] == "motion_type: can't create motion for this type 'avatar_iv'"
    listing = client.get(
        f"/v2/avatar_group/{source['group_id']}/avatars", headers={"x-api-key": api_key}
    )
    assert listing.json()["data"]["total_count"] == 1  # no motion look was added
