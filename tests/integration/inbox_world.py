"""A signed-up tenant staffed for inbox tests (departments, people with real tokens, a WhatsApp number routed to
a department), and webhooks fed straight to the processor — shared by the inbox, counts and search tests."""
from __future__ import annotations

import uuid
from typing import Any

from alrea.services import inbound
from alrea.simulator import payloads as p
from alrea.store import instances


def staffed_tenant(new_tenant, company: str, people: dict[str, tuple[str, str]], evolution_name: str,
                   *, routed_to: str = "Vendas") -> dict[str, Any]:
    """``people``: key → (role, department name). Answers the admin client, tenant id, department ids by name
    (also as lower-case keys), each person and their signed-in client (``as``), and the number."""
    from alrea.store.tenants import Tenant

    admin = new_tenant(company)
    Tenant(*Tenant.key(admin.tenant_id)).update(actions=[Tenant.limits.max_users.set(20)])
    departments: dict[str, str] = {}
    for _, dept in people.values():
        departments.setdefault(dept, admin.department(dept))
    departments.setdefault(routed_to, admin.department(routed_to))
    staff = {key: admin.user(role, departments[dept]) for key, (role, dept) in people.items()}
    instance = instances.create(instances.Instance(
        tenant_id=admin.tenant_id, instance_id=str(uuid.uuid4()), name="Loja", evolution_name=evolution_name,
        webhook_token="hook_" + uuid.uuid4().hex, jwt_key="k" + uuid.uuid4().hex), max_numbers=5,
        limit_message="limite")
    r = admin.put(f"/api/instances/{instance.instance_id}", json={"default_department_id": departments[routed_to]})
    assert r.status_code == 200, r.text
    return {"admin": admin, "tid": admin.tenant_id, **{name.lower(): did for name, did in departments.items()},
            "people": staff, "as": {k: admin.login_as(v["email"]) for k, v in staff.items()}, "instance": instance}


def process_webhook(world: dict[str, Any], event: str, data: Any) -> None:
    """An Evolution webhook of the world's number, processed as webhook_process would."""
    envelope = p.envelope(event, world["instance"].evolution_name, data, "http://x/webhook", "http://sim", None)
    inbound.process({"tenant_id": world["tid"], "instance_id": world["instance"].instance_id, "event": event,
                     "received_at": "2025-11-05T10:00:00.000Z", "envelope": envelope})
