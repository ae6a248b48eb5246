"""The outbound webhook events of campaign runs and opt-outs, against a real local receiver (as
test_outbound_webhooks.py): ``campaign.started`` (a start, and a resume), ``campaign.paused`` for a pause someone
asked for, and ``contact.opted_out`` from every place a contact opts out — the app, the partner API and the
customer's keyword — each signed, each fact one event (a fact emitted again is the same event id)."""
from __future__ import annotations

import json
import uuid

import pytest
from test_campaigns_api import contacts, number
from test_outbound_webhooks import Receiver, drain, register, verify

from alrea.services import outbound_webhooks

CAMPAIGN_EVENTS = ("campaign.started", "campaign.paused", "campaign.completed")


class RecordingPacer:
    def __init__(self) -> None:
        self.started: list[str] = []

    def start(self, tenant_id: str, campaign_id: str, run_id: str) -> None:
        self.started.append(run_id)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def local_targets(monkeypatch):
    """Outbound webhooks may reach the loopback receiver (the local-dev setting), retries at once."""
    from alrea.core.config import reset_settings

    monkeypatch.setenv("ALREA_WEBHOOKS_ALLOW_PRIVATE", "true")
    monkeypatch.setenv("ALREA_WEBHOOK_RETRY_SCALE", "0")
    reset_settings()
    outbound_webhooks.forget()
    yield
    monkeypatch.undo()
    reset_settings()
    outbound_webhooks.forget()


def received(receiver: Receiver, secret: str) -> list[dict]:
    """The payloads the receiver got, each checked against its signature (the documented recipe)."""
    for request in receiver.requests:
        assert verify(secret, request["headers"]["Alrea-Signature"], request["body"])
        assert request["headers"]["Alrea-Event-Id"] == json.loads(request["body"])["id"]
    return [json.loads(r["body"]) for r in receiver.requests]


def test_started_paused_by_a_partner_and_resumed_campaigns_reach_the_endpoint(
        tenant_a, local_targets, receiver, api_runtime, roomy_partner_rate):
    api_runtime.pacer = RecordingPacer()
    hook = register(tenant_a, receiver.url, events=CAMPAIGN_EVENTS)
    iid = number(tenant_a.tenant_id)
    contacts(tenant_a.tenant_id, "vip", 2)
    secret = tenant_a.post("/api/api-keys", {"name": "ERP", "scopes": ["campaigns:read", "campaigns:write"]}
                           ).json()["secret"]
    key = {"Authorization": f"Bearer {secret}"}
    http = tenant_a.client
    cid = http.post("/v1/campaigns", headers=key, json={
        "name": "Natal", "text": "Oi {{nome}}", "audience": {"tags": ["vip"]}, "number_ids": [iid]}).json()["id"]
    assert http.post(f"/v1/campaigns/{cid}/start", headers=key).status_code == 200
    paused = http.post(f"/v1/campaigns/{cid}/pause", headers=key).json()
    assert tenant_a.post(f"/api/campaigns/{cid}/resume").status_code == 200  # the app resumes it
    drain(api_runtime.bus)
    events = received(receiver, hook["secret"])  # a standard queue: in any order
    assert sorted(e["type"] for e in events) == ["campaign.paused", "campaign.started", "campaign.started"]
    [pause] = [e["data"] for e in events if e["type"] == "campaign.paused"]
    first, resume = sorted((e["data"] for e in events if e["type"] == "campaign.started"), key=lambda d: d["resumed"])
    assert first == {"campaign_id": cid, "name": "Natal", "total": 2, "resumed": False, "at": first["at"]}
    assert first["at"] and pause["at"] and paused["status"] == "paused"
    assert pause == {"campaign_id": cid, "name": "Natal", "reason": None, "automatic": False, "by": "API: ERP",
                     "at": pause["at"]}
    assert resume["resumed"] is True and resume["total"] == 2 and resume["campaign_id"] == cid
    assert all(e["tenant_id"] == tenant_a.tenant_id for e in events)
    assert len({e["id"] for e in events}) == 3  # each run's start and pause is its own event


def test_the_same_run_fact_is_one_event(tenant_a, local_targets, receiver, api_runtime):
    from alrea.services import hooks

    hook = register(tenant_a, receiver.url, events=CAMPAIGN_EVENTS)
    fact = hooks.CampaignStarted(tenant_a.tenant_id, "c1", "run-1", name="Promo", total=3,
                                 at="2026-12-01T10:00:00Z")
    hooks.campaign_started(fact)
    hooks.campaign_started(fact)  # a producer retried
    hooks.campaign_paused(hooks.CampaignPaused(tenant_a.tenant_id, "c1", "run-1", name="Promo", by="Ana"))
    hooks.campaign_paused(hooks.CampaignPaused(tenant_a.tenant_id, "c1", "run-1", name="Promo", by="Ana"))
    drain(api_runtime.bus)
    assert sorted(e["type"] for e in received(receiver, hook["secret"])) == ["campaign.paused", "campaign.started"]


def test_every_opt_out_reaches_the_endpoint_once(tenant_a, local_targets, receiver, api_runtime,
                                                  roomy_partner_rate):
    from alrea.services import campaign_events
    from alrea.services.hooks import MessageStored

    hook = register(tenant_a, receiver.url, events=("contact.opted_out",))
    by_app, by_api, by_keyword = (f"+5511977{uuid.uuid4().int % 10**6:06d}" for _ in range(3))
    app_id = tenant_a.post("/api/contacts", {"phone": by_app, "name": "Pelo App"}).json()["id"]
    assert tenant_a.post(f"/api/contacts/{app_id}/opt-out", {"reason": "pediu ao atendente"}).status_code == 200
    assert tenant_a.post(f"/api/contacts/{app_id}/opt-out", {}).status_code == 200  # already out: no event
    secret = tenant_a.post("/api/api-keys", {"name": "CRM", "scopes": ["contacts:write"]}).json()["secret"]
    key = {"Authorization": f"Bearer {secret}"}
    api_id = tenant_a.client.post("/v1/contacts", headers=key, json={"phone": by_api}).json()["id"]
    assert tenant_a.client.post(f"/v1/contacts/{api_id}/opt-out", headers=key, json={"reason": "ERP"}
                                ).status_code == 200

    class Confirmations:  # the keyword's confirmation message goes out through the WhatsApp port
        sent: list[tuple[str, str]] = []

        def send_text(self, instance: str, to: str, text: str) -> None:
            self.sent.append((to, text))

    api_runtime.whatsapp = Confirmations()
    iid = number(tenant_a.tenant_id)
    fact = MessageStored(tenant_a.tenant_id, iid, "conv-1", "wamid-sair", "in", "text", "SAIR",
                         at="2026-12-01T10:00:00Z", contact_key=by_keyword, is_group=False)
    campaign_events.on_message_stored(fact)
    campaign_events.on_message_stored(fact)  # the inbound webhook redelivered: opted out already, nothing new
    drain(api_runtime.bus)
    events = received(receiver, hook["secret"])
    assert [e["type"] for e in events] == ["contact.opted_out"] * 3
    by_phone = {e["data"]["phone"]: e["data"] for e in events}
    assert by_phone[by_app]["source"] == "agent" and by_phone[by_app]["reason"] == "pediu ao atendente"
    assert by_phone[by_app]["contact_id"] == app_id
    assert by_phone[by_api]["source"] == "api" and by_phone[by_api]["reason"] == "ERP"
    assert by_phone[by_keyword]["source"] == "whatsapp" and by_phone[by_keyword]["contact_id"]
    assert Confirmations.sent and Confirmations.sent[0][0] == by_keyword.lstrip("+")
    # opted in and out again: a new opt-out, a new event
    tenant_a.post(f"/api/contacts/{app_id}/opt-in")
    tenant_a.post(f"/api/contacts/{app_id}/opt-out", {})
    drain(api_runtime.bus)
    assert len(received(receiver, hook["secret"])) == 4
