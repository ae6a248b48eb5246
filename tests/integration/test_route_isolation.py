"""Tenant isolation and roles on EVERY route, enumerated from the app's OpenAPI document (so a new route cannot
skip this suite: it fails until the route is classified in ROLES below).

- without a token (or with a forged one): 401 on every route but the public ones (PUBLIC);
- another tenant's ids in the path: 404 on every route with path parameters (on `/v1`, with that tenant's API key);
- an agent on admin-only and admin-or-manager routes: 403; a manager on admin-only routes: 403.

One signed-up tenant owns one of everything (user, department, number, conversation and message, contact,
custom field, quick reply, import, campaign); a second tenant's admin probes with those ids.
"""
from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from alrea.domain.api_keys import SCOPES

PUBLIC = {("GET", "/api/health"), ("GET", "/api/plans"), ("POST", "/api/auth/signup"), ("POST", "/api/auth/login"),
          ("POST", "/api/auth/refresh"), ("POST", "/api/auth/logout"), ("GET", "/api/auth/options"),
          ("POST", "/api/auth/email/verify"), ("POST", "/api/auth/invitations/accept"),
          ("POST", "/api/auth/invitations/preview"), ("POST", "/api/auth/password/forgot"),
          ("POST", "/api/auth/password/reset")}
ADMIN, STAFF, ANY = "admin", "admin or manager", "any user"
PARTNER = "partner API key"  # /v1: a key of the tenant (its scopes are tested in test_partner_keys.py)
ROLES: dict[tuple[str, str], str] = {
    ("GET", "/api/me"): ANY,
    ("GET", "/api/users"): ADMIN, ("POST", "/api/users"): ADMIN, ("GET", "/api/users/{user_id}"): ADMIN,
    ("PATCH", "/api/users/{user_id}"): ADMIN, ("POST", "/api/users/{user_id}/deactivate"): ADMIN,
    ("POST", "/api/users/{user_id}/activate"): ADMIN,
    ("GET", "/api/departments"): ANY, ("POST", "/api/departments"): ADMIN,
    ("GET", "/api/departments/{department_id}"): ANY, ("PATCH", "/api/departments/{department_id}"): ADMIN,
    ("DELETE", "/api/departments/{department_id}"): ADMIN,
    ("GET", "/api/conversations"): ANY, ("GET", "/api/conversations/{conversation_id}"): ANY,
    ("GET", "/api/conversations/{conversation_id}/messages"): ANY,
    ("POST", "/api/conversations/{conversation_id}/messages"): ANY,
    ("POST", "/api/conversations/{conversation_id}/read"): ANY,
    ("POST", "/api/conversations/{conversation_id}/assign"): ANY,
    ("POST", "/api/conversations/{conversation_id}/transfer"): ANY,
    ("POST", "/api/conversations/{conversation_id}/close"): ANY,
    ("POST", "/api/conversations/{conversation_id}/reopen"): ANY,
    ("POST", "/api/conversations/{conversation_id}/uploads"): ANY,
    ("POST", "/api/conversations/{conversation_id}/messages/{message_id}/retry"): ANY,
    ("POST", "/api/conversations/{conversation_id}/notes"): ANY,
    ("GET", "/api/conversations/counts"): ANY,
    ("GET", "/api/conversations/{conversation_id}/contact"): ANY,
    ("PATCH", "/api/conversations/{conversation_id}/contact"): ANY,
    ("PUT", "/api/conversations/{conversation_id}/tags"): ANY,
    ("POST", "/api/conversations/{conversation_id}/messages/{message_id}/reaction"): ANY,
    ("GET", "/api/inbox/agents"): STAFF, ("PUT", "/api/me/presence"): ANY, ("GET", "/api/search"): ANY,
    ("POST", "/api/media/{conversation_id}/{message_id}/retry"): ANY,
    ("GET", "/api/instances"): ANY, ("POST", "/api/instances"): ADMIN, ("PUT", "/api/instances/{instance_id}"): ADMIN,
    ("GET", "/api/instances/{instance_id}"): ANY, ("DELETE", "/api/instances/{instance_id}"): ADMIN,
    ("GET", "/api/instances/{instance_id}/qrcode"): ADMIN, ("GET", "/api/instances/{instance_id}/state"): ANY,
    ("POST", "/api/instances/{instance_id}/logout"): ADMIN,
    ("GET", "/api/quick-replies"): ANY, ("POST", "/api/quick-replies"): STAFF,
    ("GET", "/api/quick-replies/{reply_id}"): ANY, ("PUT", "/api/quick-replies/{reply_id}"): STAFF,
    ("DELETE", "/api/quick-replies/{reply_id}"): STAFF,
    ("GET", "/api/inbox/settings"): ANY, ("PUT", "/api/inbox/settings"): ADMIN,
    ("GET", "/api/contacts/fields"): ANY, ("POST", "/api/contacts/fields"): STAFF,
    ("PATCH", "/api/contacts/fields/{name}"): STAFF, ("DELETE", "/api/contacts/fields/{name}"): STAFF,
    ("GET", "/api/contacts/tags"): ANY, ("POST", "/api/contacts/tags"): ANY,
    ("GET", "/api/contacts/export.csv"): ANY,
    ("POST", "/api/contacts/imports"): STAFF, ("GET", "/api/contacts/imports/{import_id}"): STAFF,
    ("GET", "/api/contacts"): ANY, ("POST", "/api/contacts"): ANY, ("GET", "/api/contacts/{contact_id}"): ANY,
    ("PATCH", "/api/contacts/{contact_id}"): ANY, ("DELETE", "/api/contacts/{contact_id}"): STAFF,
    ("GET", "/api/contacts/{contact_id}/campaigns"): ANY, ("POST", "/api/contacts/{contact_id}/opt-out"): ANY,
    ("POST", "/api/contacts/{contact_id}/opt-in"): ANY,
    ("GET", "/api/media/{conversation_id}/{message_id}"): ANY,
    ("GET", "/api/campaigns"): STAFF, ("POST", "/api/campaigns"): STAFF,
    ("GET", "/api/campaigns/audience-count"): STAFF, ("POST", "/api/campaigns/preview"): STAFF,
    ("GET", "/api/campaigns/settings/opt-out"): STAFF, ("PUT", "/api/campaigns/settings/opt-out"): ADMIN,
    ("GET", "/api/campaigns/{campaign_id}"): STAFF, ("PATCH", "/api/campaigns/{campaign_id}"): STAFF,
    ("DELETE", "/api/campaigns/{campaign_id}"): STAFF, ("POST", "/api/campaigns/{campaign_id}/start"): STAFF,
    ("POST", "/api/campaigns/{campaign_id}/pause"): STAFF, ("POST", "/api/campaigns/{campaign_id}/resume"): STAFF,
    ("POST", "/api/campaigns/{campaign_id}/cancel"): STAFF,
    ("GET", "/api/campaigns/{campaign_id}/recipients"): STAFF,
    ("GET", "/api/campaigns/{campaign_id}/export.csv"): STAFF,
    ("GET", "/api/campaigns/{campaign_id}/timeline"): STAFF,
    ("POST", "/api/campaigns/media"): STAFF, ("GET", "/api/campaigns/media-url"): STAFF,
    ("GET", "/api/campaigns/warmup"): STAFF, ("POST", "/api/campaigns/{campaign_id}/recipients/retry-uncertain"): STAFF,
    ("POST", "/api/contacts/{contact_id}/erase"): ADMIN,
    ("POST", "/api/privacy/exports"): ADMIN, ("GET", "/api/privacy/exports/{export_id}"): ADMIN,
    ("GET", "/api/privacy/retention"): ADMIN, ("PUT", "/api/privacy/retention"): ADMIN,
    ("GET", "/api/privacy/tenant-deletion"): ADMIN, ("POST", "/api/privacy/tenant-deletion"): ADMIN,
    ("DELETE", "/api/privacy/tenant-deletion"): ADMIN,
    ("GET", "/api/api-keys"): ADMIN, ("POST", "/api/api-keys"): ADMIN, ("GET", "/api/api-keys/scopes"): ADMIN,
    ("DELETE", "/api/api-keys/{key_id}"): ADMIN,
    ("GET", "/v1/numbers"): PARTNER, ("GET", "/v1/numbers/{number_id}"): PARTNER,
    ("GET", "/v1/contacts"): PARTNER, ("POST", "/v1/contacts"): PARTNER, ("GET", "/v1/contacts/{contact_id}"): PARTNER,
    ("PATCH", "/v1/contacts/{contact_id}"): PARTNER, ("POST", "/v1/contacts/{contact_id}/tags"): PARTNER,
    ("POST", "/v1/contacts/{contact_id}/opt-out"): PARTNER, ("POST", "/v1/contacts/{contact_id}/opt-in"): PARTNER,
    ("POST", "/v1/messages"): PARTNER, ("GET", "/v1/messages/{message_id}"): PARTNER, ("POST", "/v1/media"): PARTNER,
    ("GET", "/v1/campaigns"): PARTNER, ("POST", "/v1/campaigns"): PARTNER,
    ("GET", "/v1/campaigns/{campaign_id}"): PARTNER, ("GET", "/v1/campaigns/{campaign_id}/recipients"): PARTNER,
    ("POST", "/v1/campaigns/{campaign_id}/start"): PARTNER, ("POST", "/v1/campaigns/{campaign_id}/pause"): PARTNER,
    ("POST", "/v1/campaigns/{campaign_id}/resume"): PARTNER, ("POST", "/v1/campaigns/{campaign_id}/cancel"): PARTNER,
    ("GET", "/api/webhooks"): ADMIN, ("POST", "/api/webhooks"): ADMIN, ("GET", "/api/webhooks/events"): ADMIN,
    ("GET", "/api/webhooks/{webhook_id}"): ADMIN, ("PATCH", "/api/webhooks/{webhook_id}"): ADMIN,
    ("DELETE", "/api/webhooks/{webhook_id}"): ADMIN, ("GET", "/api/webhooks/{webhook_id}/deliveries"): ADMIN,
    ("POST", "/api/webhooks/{webhook_id}/deliveries/{delivery_id}/replay"): ADMIN,
    ("GET", "/v1/webhooks"): PARTNER, ("POST", "/v1/webhooks"): PARTNER,
    ("GET", "/v1/webhooks/{webhook_id}"): PARTNER, ("PATCH", "/v1/webhooks/{webhook_id}"): PARTNER,
    ("DELETE", "/v1/webhooks/{webhook_id}"): PARTNER, ("GET", "/v1/webhooks/{webhook_id}/deliveries"): PARTNER,
    ("POST", "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/replay"): PARTNER,
    ("GET", "/api/notifications"): ANY, ("GET", "/api/notifications/unread-count"): ANY,
    ("POST", "/api/notifications/read-all"): ANY, ("POST", "/api/notifications/{notification_id}/read"): ANY,
    ("GET", "/api/notifications/preferences"): ANY, ("PUT", "/api/notifications/preferences"): ANY,
    ("PATCH", "/api/me/profile"): ANY, ("GET", "/api/onboarding"): ANY,
    ("PUT", "/api/instances/{instance_id}/name"): ADMIN, ("GET", "/api/number-settings"): ADMIN,
    ("PUT", "/api/instances/{instance_id}/auto-assign"): ADMIN,
    ("GET", "/api/invitations"): ADMIN, ("POST", "/api/invitations"): ADMIN,
    ("DELETE", "/api/invitations/{invitation_id}"): ADMIN, ("POST", "/api/invitations/{invitation_id}/resend"): ADMIN,
    ("PATCH", "/api/tenant"): ADMIN,
    ("GET", "/api/reports/dashboard"): STAFF, ("GET", "/api/reports/campaigns/{campaign_id}"): STAFF,
    ("GET", "/api/reports/numbers"): STAFF, ("GET", "/api/reports/numbers/{instance_id}"): STAFF,
    ("GET", "/api/sense/settings"): ADMIN, ("PUT", "/api/sense/settings"): ADMIN, ("POST", "/api/sense/test"): ADMIN,
    ("POST", "/api/campaigns/{campaign_id}/duplicate"): STAFF, ("POST", "/api/me/email-verification"): ANY, ("POST", "/api/me/password"): ANY,
    ("GET", "/api/billing"): ADMIN, ("POST", "/api/billing/checkout"): ADMIN, ("POST", "/api/billing/portal"): ADMIN,
}
# valid bodies, so a refusal is about the id or the role and never about the body
BODIES: dict[tuple[str, str], Any] = {
    ("PATCH", "/api/users/{user_id}"): {"name": "Outro Nome"},
    ("PATCH", "/api/departments/{department_id}"): {"name": "Outro Nome"},
    ("POST", "/api/conversations/{conversation_id}/messages"): {"text": "Olá"},
    ("POST", "/api/conversations/{conversation_id}/assign"): {"user_id": None},
    ("POST", "/api/conversations/{conversation_id}/transfer"): {"department_id": "{own_department_id}"},
    ("POST", "/api/conversations/{conversation_id}/uploads"): {"file_name": "a.png", "mimetype": "image/png",
                                                                "size": 4},
    ("POST", "/api/conversations/{conversation_id}/notes"): {"text": "Nota"},
    ("PATCH", "/api/conversations/{conversation_id}/contact"): {"name": "Outro Nome"},
    ("PUT", "/api/conversations/{conversation_id}/tags"): {"tags": ["vip"]},
    ("POST", "/api/conversations/{conversation_id}/messages/{message_id}/reaction"): {"emoji": "👍"},
    ("PUT", "/api/instances/{instance_id}"): {"default_department_id": None},
    ("PUT", "/api/quick-replies/{reply_id}"): {"shortcut": "oi", "text": "Olá!"},
    ("PATCH", "/api/contacts/fields/{name}"): {"label": "Cidade"},
    ("PATCH", "/api/contacts/{contact_id}"): {"name": "Outro Nome"},
    ("POST", "/api/contacts/{contact_id}/opt-out"): {},
    ("PATCH", "/api/campaigns/{campaign_id}"): {"name": "Outro Nome"},
    ("PATCH", "/api/webhooks/{webhook_id}"): {"enabled": False},
    ("PATCH", "/v1/webhooks/{webhook_id}"): {"enabled": False},
    ("POST", "/api/billing/checkout"): {"plan": "starter", "add_ons": []},
    ("PATCH", "/v1/contacts/{contact_id}"): {"name": "Outro Nome"},
    ("POST", "/v1/contacts/{contact_id}/tags"): {"add": ["vip"]},
    ("POST", "/v1/contacts/{contact_id}/opt-out"): {},
    ("PUT", "/api/instances/{instance_id}/name"): {"name": "Outro Nome"},
    ("PUT", "/api/instances/{instance_id}/auto-assign"): {"enabled": False},
}


def operations() -> list[tuple[str, str, dict]]:
    from alrea.api.app import create_app

    spec = create_app().openapi()
    return [(method.upper(), path, op) for path, ops in spec["paths"].items() for method, op in ops.items()]


def test_every_route_is_classified():
    found = {(m, p) for m, p, _ in operations()}
    unclassified = found - set(ROLES) - PUBLIC
    assert not unclassified, f"classify these routes in ROLES (or PUBLIC): {sorted(unclassified)}"
    gone = (set(ROLES) | PUBLIC) - found
    assert not gone, f"routes listed here no longer exist: {sorted(gone)}"
    needs_body = {(m, p) for m, p, op in operations() if "{" in p and (op.get("requestBody") or {}).get("required")}
    assert needs_body <= set(BODIES), f"give these routes a valid body in BODIES: {sorted(needs_body - set(BODIES))}"


def fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


def body_of(method: str, path: str, ids: dict[str, str]) -> Any:
    body = BODIES.get((method, path))
    if body is None:
        return {} if method in ("POST", "PUT", "PATCH") else None
    return {k: (ids[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v) for k, v in body.items()}


def call(client, method: str, path: str, *, headers: dict[str, str] | None = None, json: Any = None):
    return client.request(method, path, headers=headers or {}, json=json)


class PublicResolver:
    """A webhook sender whose DNS answers a public address (no network in the test), and that sends nothing."""

    def resolve(self, host: str) -> list[str]:
        return ["93.184.216.34"]

    def post(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no webhook is sent in this test")


def verified_admin(account, api_runtime):
    """The account with its e-mail verified through the link the mail sink holds (inviting needs it)."""
    import re as regex
    from urllib.parse import parse_qs, urlsplit

    [mail] = [m for m in api_runtime.email.messages(account.email) if m.kind == "verify_email"][:1]
    url = next(u for u in regex.findall(r"https?://\S+", mail.text) if "/verificar-email" in u)
    token = parse_qs(urlsplit(url).query)["token"][0]
    assert account.client.post("/api/auth/email/verify", json={"token": token}).status_code == 204
    return account


@pytest.fixture
def world(new_tenant, api_runtime, roomy_partner_rate):
    """Tenant A with one of everything (ids by path-parameter name), its agent and manager; tenant B's admin."""
    from test_campaigns_api import RecordingPacer, body, number
    from test_inbox_scoping import inbound_text

    from alrea.store import instances

    api_runtime.pacer = RecordingPacer()
    a, b = new_tenant("Empresa A"), new_tenant("Empresa B")
    dept = a.department("Vendas")
    agent, manager = a.user("agent", dept), a.user("manager", dept)
    instance = instances.get(a.tenant_id, number(a.tenant_id))
    a.put(f"/api/instances/{instance.instance_id}", {"default_department_id": dept})
    cid = inbound_text({"tid": a.tenant_id, "instance": instance}, "5511977770001", "Oi", "Cliente")
    message_id = a.get(f"/api/conversations/{cid}/messages").json()["items"][0]["id"]
    contact = a.post("/api/contacts", {"phone": "11977770002", "name": "Cliente"}).json()
    assert a.post("/api/contacts/fields", {"name": "cidade", "type": "text"}).status_code == 201
    reply = a.post("/api/quick-replies", {"shortcut": "ola", "text": "Olá!"}).json()
    imp = a.post("/api/contacts/imports", {"file_name": "c.csv", "size": 10, "mapping": None}).json()
    campaign = a.post("/api/campaigns", body(instance.instance_id)).json()
    export = a.post("/api/privacy/exports").json()
    key = a.post("/api/api-keys", {"name": "ERP", "scopes": ["numbers:read"]}).json()
    b_key = b.post("/api/api-keys", {"name": "ERP B", "scopes": list(SCOPES)}).json()
    api_runtime.webhooks = PublicResolver()
    hook = a.post("/api/webhooks", {"url": "https://hooks.example.com/alrea", "events": ["message.status"]}).json()
    from alrea.domain.notifications import Draft
    from alrea.services import notifications

    notice = notifications.notify(a.tenant_id, [a.user_id], Draft("assigned", "Aviso", "Texto"))[0]
    invitation = verified_admin(a, api_runtime).post("/api/invitations", {
        "name": "Convidado", "email": f"convite.{uuid.uuid4().hex[:8]}@acme.com.br", "role": "agent",
        "department_id": dept}).json()
    ids = {"user_id": agent["id"], "department_id": dept, "conversation_id": cid, "message_id": message_id,
           "instance_id": instance.instance_id, "reply_id": reply["id"], "name": "cidade",
           "import_id": imp["import_id"], "contact_id": contact["id"], "campaign_id": campaign["id"],
           "export_id": export["id"], "key_id": key["id"], "number_id": instance.instance_id,
           "webhook_id": hook["id"], "delivery_id": str(uuid.uuid4()), "notification_id": notice.id,
           "invitation_id": invitation["id"]}
    return {"a": a, "b": b, "b_key": {"Authorization": f"Bearer {b_key['secret']}"}, "ids": ids, "agent": a.login_as(agent["email"]),
            "manager": a.login_as(manager["email"]), "b_department": b.department("Suporte")}


def test_every_route_without_a_valid_token_is_401(client):
    anywhere = {name: str(uuid.uuid4()) for name in
                ("user_id", "department_id", "conversation_id", "message_id", "instance_id", "reply_id",
                 "import_id", "contact_id", "campaign_id", "own_department_id", "export_id", "key_id",
                 "number_id", "webhook_id", "delivery_id", "notification_id", "invitation_id")} | {"name": "cidade"}
    wrong = []
    for method, path, _ in operations():
        if (method, path) in PUBLIC:
            continue
        url, body = fill(path, anywhere), body_of(method, path, anywhere)
        for headers in ({}, {"Authorization": "Bearer forjado.invalido.x"}, {"Authorization": "Basic YTpi"}):
            r = call(client, method, url, headers=headers, json=body)
            if r.status_code != 401 or not r.json().get("message"):
                wrong.append((method, path, headers, r.status_code))
    assert not wrong, wrong


def test_another_tenants_ids_are_404_on_every_route(world):
    b = world["b"]
    ids = {**world["ids"], "own_department_id": world["b_department"]}
    wrong, probed = [], 0
    for method, path, _ in operations():
        if "{" not in path or (method, path) in PUBLIC:
            continue
        probed += 1
        headers = world["b_key"] if ROLES.get((method, path)) == PARTNER else b.headers
        r = call(b.client, method, fill(path, ids), headers=headers, json=body_of(method, path, ids))
        if r.status_code != 404:
            wrong.append((method, path, r.status_code, r.text[:120]))
    assert probed >= 40 and not wrong, wrong
    # tenant A still has all of it, untouched
    a = world["a"]
    for path in ("/api/users/{user_id}", "/api/conversations/{conversation_id}", "/api/contacts/{contact_id}",
                 "/api/campaigns/{campaign_id}", "/api/quick-replies/{reply_id}", "/api/instances/{instance_id}"):
        assert a.get(fill(path, world["ids"])).status_code == 200, path


def test_agents_and_managers_are_403_on_routes_above_their_role(world):
    ids = {**world["ids"], "own_department_id": world["ids"]["department_id"]}
    wrong, probed = [], 0
    for method, path, _ in operations():
        role = ROLES.get((method, path))
        refused = ["agent"] if role == STAFF else ["agent", "manager"] if role == ADMIN else []
        for who in refused:
            account = world[who]
            probed += 1
            r = call(account.client, method, fill(path, ids), headers=account.headers,
                     json=body_of(method, path, ids))
            if r.status_code != 403 or not r.json().get("message"):
                wrong.append((who, method, path, r.status_code, r.text[:120]))
    assert probed >= 40 and not wrong, wrong
