"""Sense on the real path (REST API and store on moto, SQS on moto, pushes recorded): a tenant with Sense off
gets no analysis; with it on, inbound texts go through the sense_analyze queue, get a label, move the
conversation's mood, push message_updated, and a conversation turning negative notifies its department's
managers only; the "clientes insatisfeitos" filter; settings are admins' and never return the secret; an HTTP
analyzer that fails leaves the message unlabelled, still queued, and a retry labels it."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from alrea.services import sense
from alrea.simulator import payloads as p
from alrea.store import conversations, messages
from alrea.wiring import runtime

from inbox_world import process_webhook, staffed_tenant  # noqa: I001 - the tests' shared world (not conftest)

QUEUE = "sense_analyze"


@pytest.fixture
def w(new_tenant, api_runtime):
    sense.forget()
    world = staffed_tenant(new_tenant, "Humor Ltda", {"mgr_v": ("manager", "Vendas"), "mgr_s": ("manager", "Suporte"),
                                                      "ag_v": ("agent", "Vendas")}, "sense-evo")
    world["push"] = api_runtime.push
    yield world
    sense.forget()


def text_in(w, phone: str, text: str, name: str = "Cliente") -> str:
    jid = f"{phone}@s.whatsapp.net"
    process_webhook(w, "messages.upsert", p.inbound_message(w["instance"].instance_id, jid, p.text_content(text),
                                                            "conversation", name, now=int(time.time())))
    return conversations.conversation_id(w["tid"], w["instance"].instance_id, jid)


def drain(*, fail_ok: bool = False) -> int:
    """Run the analyze function's service over what the queue holds; answers how many were analysed."""
    bus, done = runtime().bus, 0
    for _ in range(20):
        batch = bus.receive(QUEUE, max_messages=10, wait_s=0.2)
        if not batch:
            return done
        for delivery in batch:
            try:
                sense.analyze(json.loads(delivery.body))
            except Exception:
                if not fail_ok:
                    raise
                bus.nack(delivery)
                return done  # one failed attempt, as one Lambda invocation
            bus.ack(delivery)
            done += 1
    return done


def newest(w, cid: str):
    return messages.list_newest_first(w["tid"], cid, limit=5)[0][0]


def enable(w, **body) -> dict:
    r = w["admin"].put("/api/sense/settings", json={"enabled": True, **body})
    assert r.status_code == 200, r.text
    return r.json()


def test_a_tenant_with_sense_off_gets_no_analysis(w):
    cid = text_in(w, "5511988000001", "péssimo atendimento, que absurdo")
    assert drain() == 0
    assert getattr(newest(w, cid), "sentiment", None) is None
    assert conversations.find(w["tid"], cid).mood is None


def test_settings_are_admins_and_the_secret_is_never_returned(w):
    assert w["as"]["mgr_v"].get("/api/sense/settings").status_code == 403
    assert w["as"]["ag_v"].put("/api/sense/settings", json={"enabled": True}).status_code == 403
    assert w["admin"].get("/api/sense/settings").json()["enabled"] is False
    saved = enable(w, adapter="builtin", secret="super-secreto")
    assert saved["has_secret"] is True and "super-secreto" not in json.dumps(saved)
    got = w["admin"].get("/api/sense/settings").json()
    assert got["enabled"] is True and "secret" not in got and "sealed_secret" not in got
    from alrea.store import sense as store

    assert "super-secreto" not in (store.get(w["tid"]).sealed_secret or "")  # sealed at rest
    r = w["admin"].put("/api/sense/settings", json={"enabled": True, "adapter": "http"})
    assert r.status_code == 422  # http without a URL
    r = w["admin"].put("/api/sense/settings", json={"enabled": True, "adapter": "http", "secret": "s1",
                                                    "url": "https://8.8.8.8/webhook/sense"})
    assert r.status_code == 200 and r.json()["has_secret"] is True, r.text
    r = w["admin"].put("/api/sense/settings", json={"enabled": True, "adapter": "http",
                                                    "url": "https://1.1.1.1/webhook/sense"})
    assert r.json()["has_secret"] is False  # another host: the old secret is not sent there
    r = w["admin"].put("/api/sense/settings", json={"enabled": True, "adapter": "http",
                                                    "url": "http://169.254.169.254/latest"})
    assert r.status_code == 422  # no private targets


def test_the_test_button_analyses_a_sample(w):
    r = w["admin"].post("/api/sense/test", json={"adapter": "builtin"})
    assert r.status_code == 200, r.text
    assert r.json()["ok"] is True and r.json()["label"] == "pos"
    r = w["admin"].post("/api/sense/test", json={"adapter": "builtin", "text": "que descaso, ninguém responde"})
    assert r.json()["label"] == "neg"


def test_labels_mood_push_filter_and_a_negative_turn_notifies_the_departments_managers(w):
    enable(w)
    cid = text_in(w, "5511988000002", "oi, bom dia! adorei o produto 😍", "Cliente Rita")
    assert drain() == 1
    first = newest(w, cid)
    assert first.sentiment == "pos" and first.sentiment_score > 0
    assert conversations.find(w["tid"], cid).mood == "pos"
    admin = w["admin"]
    assert [c["id"] for c in admin.get("/api/conversations", params={"mood": "neg"}).json()["items"]] == []
    text_in(w, "5511988000002", "mas o segundo pedido veio quebrado, que absurdo 😡")
    assert drain() == 1
    conv = conversations.find(w["tid"], cid)
    assert conv.mood == "neg" and newest(w, cid).sentiment == "neg"
    # the message's row and the conversation in every open screen of its audience
    events = w["push"].events(f"deptmgr:{w['tid']}:{w['vendas']}")
    updated = [e for e in events if e["type"] == "message_updated" and e["message"]["conversation_id"] == cid]
    assert [e["message"]["sentiment"] for e in updated] == ["pos", "neg"]
    assert any(e["type"] == "conversation_updated" and e["conversation"].get("mood") == "neg" for e in events)
    # "clientes insatisfeitos"
    listed = admin.get("/api/conversations", params={"mood": "neg"}).json()["items"]
    assert [c["id"] for c in listed] == [cid] and listed[0]["mood"] == "neg"
    # the alert: Vendas' manager only (the conversation is Vendas'), once
    def kinds(account):
        return [n["kind"] for n in account.get("/api/notifications").json()["items"]]
    assert kinds(w["as"]["mgr_v"]) == ["conversation_negative"]
    assert kinds(w["as"]["mgr_s"]) == [] and kinds(w["as"]["ag_v"]) == [] and kinds(admin) == []
    text_in(w, "5511988000002", "horrível, nunca mais compro")
    assert drain() == 1
    assert kinds(w["as"]["mgr_v"]) == ["conversation_negative"]  # still negative: no second alert
    # the API shows each analysed message with its label
    msg_views = admin.get(f"/api/conversations/{cid}/messages").json()["items"]
    assert {m["sentiment"] for m in msg_views} == {"pos", "neg"}


class Failing:
    """A fake analyzer endpoint answering 500 until told otherwise."""

    def __init__(self) -> None:
        self.status, self.calls = 500, 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers["content-length"]))
                outer.calls += 1
                raw = json.dumps({"label": "neg", "score": -0.7, "topics": ["entrega"]}).encode()
                self.send_response(outer.status)
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook/sense"


@pytest.fixture
def private_targets(monkeypatch):
    from alrea.adapters.sense import http

    from alrea.core.config import reset_settings

    monkeypatch.setenv("ALREA_WEBHOOKS_ALLOW_PRIVATE", "true")
    monkeypatch.setattr(http, "BACKOFF_S", (0.01,))
    reset_settings()
    fake = Failing()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()
    monkeypatch.undo()
    reset_settings()


def test_a_failing_http_analyzer_leaves_the_message_unlabelled_and_a_retry_labels_it(w, private_targets):
    from alrea.adapters.sense.http import BREAKER

    enable(w, adapter="http", url=private_targets.url, secret="tok")
    cid = text_in(w, "5511988000003", "cadê meu pedido?")
    assert drain(fail_ok=True) == 0
    assert private_targets.calls >= 3  # one try + retries on 5xx
    assert newest(w, cid).sentiment is None  # unlabelled, nothing lost: the queue still holds it
    private_targets.status = 200
    BREAKER.success(private_targets.url)
    assert drain() == 1  # the retry (SQS redelivers a failed record)
    assert newest(w, cid).sentiment == "neg"


def test_a_plan_without_sense_gets_403_on_its_settings_and_no_analysis(w, plan_of):
    enable(w)  # on while the plan had Sense
    plan_of(w["tid"], "starter", add_ons=())  # Sense is an add-on there, not bought
    r = w["admin"].get("/api/sense/settings")
    assert r.status_code == 403 and r.json()["error"] == "product_required" and r.json()["product"] == "sense"
    assert w["admin"].put("/api/sense/settings", json={"enabled": True}).status_code == 403
    cid = text_in(w, "5511988000009", "que absurdo, péssimo")
    assert drain() == 0  # nothing was queued for analysis
    assert getattr(newest(w, cid), "sentiment", None) is None
    plan_of(w["tid"], "starter", add_ons=("sense",))  # the add-on bought: analysed again
    text_in(w, "5511988000009", "agora sim, muito obrigada, adorei!")
    assert drain() == 1
