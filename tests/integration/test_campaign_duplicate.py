"""'Duplicar campanha' (issue 17): a draft copy with the same message, variants, audience, numbers and pacing;
another tenant's campaign is 404; agents may not."""
from __future__ import annotations

import uuid

from alrea.core.clock import iso, utcnow


def _number(tenant_id: str) -> str:
    from alrea.store import instances

    inst = instances.Instance(tenant_id=tenant_id, instance_id=str(uuid.uuid4()), name="Loja",
                              evolution_name="evo-" + uuid.uuid4().hex[:8], webhook_token="hook_" + uuid.uuid4().hex,
                              jwt_key="jwt", state="open", created_at=iso(utcnow()))
    return instances.create(inst, max_numbers=5, limit_message="limite").instance_id


def test_duplicate_copies_the_campaign_as_a_draft(tenant_a, tenant_b):
    iid = _number(tenant_a.tenant_id)
    pacing = {"min_delay_s": 12, "max_delay_s": 40, "window_start": "09:00", "window_end": "18:00",
              "weekdays": [0, 1, 2, 3, 4], "daily_cap_per_number": 150}
    original = tenant_a.post("/api/campaigns", json={
        "name": "Natal", "variants": [{"text": "Oi {{nome}}!"}, {"text": "Olá {{nome}}!"}],
        "audience": {"tags": ["vip"]}, "instance_ids": [iid], "pacing": pacing,
        "schedule_at": "2099-01-01T12:00:00Z"}).json()
    r = tenant_a.post(f"/api/campaigns/{original['id']}/duplicate")
    assert r.status_code == 201, r.text
    copy = r.json()
    assert copy["id"] != original["id"] and copy["status"] == "draft" and copy["name"] == "Natal (cópia)"
    assert [v["text"] for v in copy["variants"]] == ["Oi {{nome}}!", "Olá {{nome}}!"]
    assert copy["audience"]["tags"] == ["vip"] and copy["instance_ids"] == [iid]
    assert {k: copy["pacing"][k] for k in pacing} == pacing
    assert copy.get("schedule_at") is None
    assert tenant_b.post(f"/api/campaigns/{original['id']}/duplicate").status_code == 404
