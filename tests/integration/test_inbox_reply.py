"""Replies, reactions, conversation labels and the chat's contact panel on the real path: REST API → SQS on moto
→ chat_send handler → EvolutionClient → the Evolution simulator over HTTP → its webhooks → webhook_process.

A reply carries Evolution's ``quoted`` (key id, remoteJid, fromMe, the quoted text) and the stored message keeps
the quote; a customer's reply to our message shows the quote too; ``reply_to`` of another conversation's message
answers 422; a reaction reaches the simulator's sendReaction and is stored on the message; conversation tags are
validated and scoped (another tenant → 404); the contact panel renames the contact and its conversation.
"""
from __future__ import annotations

import uuid

import httpx
from test_inbox_send import CUSTOMER, sim, world  # noqa: F401 - the real-path fixtures of the inbox send tests

from alrea.simulator import payloads as p
from alrea.store import conversations


def customer_message(world, cid: str, text: str) -> dict:
    return next(m for m in world.messages(cid) if m["direction"] == "in" and m["text"] == text)


def test_reply_sends_quoted_to_evolution_and_stores_the_quote(world):
    cid = world.customer_writes("Vocês entregam em Campinas?")
    asked = customer_message(world, cid, "Vocês entregam em Campinas?")
    r = world.admin.post(f"/api/conversations/{cid}/messages", {"text": "Entregamos sim!", "reply_to": asked["id"]})
    assert r.status_code == 202, r.text
    pending = r.json()
    assert pending["quoted"] == {"id": asked["id"], "text": "Vocês entregam em Campinas?", "from_me": False}

    assert world.sends() == 1
    [sent] = [s for s in world.sim_sent() if s["text"] == "Entregamos sim!"]
    assert sent["quoted"] == {"key": {"id": asked["id"], "remoteJid": f"{CUSTOMER}@s.whatsapp.net", "fromMe": False},
                              "message": {"conversation": "Vocês entregam em Campinas?"}}
    world.pump_until(lambda: world.message(cid, pending["id"])["status"] in ("delivered", "read"))
    stored = world.message(cid, pending["id"])
    assert stored["quoted"]["id"] == asked["id"] and stored["quoted"]["text"] == "Vocês entregam em Campinas?"
    assert [m["id"] for m in world.messages(cid) if m["direction"] == "out"] == [pending["id"]]  # echo claimed

    # the customer replies to OUR message: WhatsApp's contextInfo names it, the inbox shows the quote
    jid = f"{CUSTOMER}@s.whatsapp.net"
    content = {"extendedTextMessage": {"text": "Ótimo, obrigado", "contextInfo": {
        "stanzaId": sent["id"], "participant": "5511987650000@s.whatsapp.net",
        "quotedMessage": {"conversation": "Entregamos sim!"}}}}
    data = p.inbound_message(world.instance.instance_id, jid, content, "extendedTextMessage", "Maria")
    envelope = p.envelope("messages.upsert", world.instance.evolution_name, data, "http://x", "http://sim", None)
    from alrea.services import inbound

    inbound.process({"tenant_id": world.admin.tenant_id, "instance_id": world.instance.instance_id,
                     "event": "messages.upsert", "received_at": "2025-11-05T10:00:00.000Z", "envelope": envelope})
    answer = customer_message(world, cid, "Ótimo, obrigado")
    assert answer["quoted"] == {"id": sent["id"], "text": "Entregamos sim!", "from_me": True}


def test_reply_to_a_message_of_another_conversation_is_refused(world):
    cid = world.customer_writes("Primeira conversa")
    other = world.customer_writes("Outra conversa", number="5511977770001")
    foreign = customer_message(world, other, "Outra conversa")
    before = len(world.sim_sent())
    for reply_to in (foreign["id"], str(uuid.uuid4())):
        r = world.admin.post(f"/api/conversations/{cid}/messages", {"text": "Oi", "reply_to": reply_to})
        assert r.status_code == 422, r.text
        assert r.json()["message"] == "A mensagem escolhida não é desta conversa."
    note = world.admin.post(f"/api/conversations/{cid}/notes", {"text": "nota interna"}).json()
    r = world.admin.post(f"/api/conversations/{cid}/messages", {"text": "Oi", "reply_to": note["id"]})
    assert r.status_code == 422 and r.json()["message"]
    assert world.sends() == 0 and len(world.sim_sent()) == before


def test_reaction_reaches_the_simulator_and_is_stored(world):
    cid = world.customer_writes("Chegou meu pedido!")
    msg = customer_message(world, cid, "Chegou meu pedido!")
    r = world.admin.post(f"/api/conversations/{cid}/messages/{msg['id']}/reaction", {"emoji": "👍"})
    assert r.status_code == 200, r.text
    assert r.json()["reactions"] == {"me": "👍"}
    [sent] = [s for s in world.sim_sent() if s["type"] == "reactionMessage"]
    assert sent["reaction"] == "👍"
    assert sent["key"] == {"remoteJid": f"{CUSTOMER}@s.whatsapp.net", "fromMe": False, "id": msg["id"]}
    world.deliver_webhooks()  # the echo of the reaction changes nothing
    assert world.message(cid, msg["id"])["reactions"] == {"me": "👍"}
    updated = [e for e in world.push.events(f"admins:{world.admin.tenant_id}")
               if e["type"] == "message_updated" and e["message"]["id"] == msg["id"]]
    assert updated and updated[-1]["message"]["reactions"] == {"me": "👍"}
    for bad in ("ok", "a" * 20):
        r = world.admin.post(f"/api/conversations/{cid}/messages/{msg['id']}/reaction", {"emoji": bad})
        assert r.status_code == 422 and r.json()["message"], r.text
    r = world.admin.post(f"/api/conversations/{cid}/messages/{uuid.uuid4()}/reaction", {"emoji": "👍"})
    assert r.status_code == 404


def test_conversation_tags_are_validated_and_scoped(world, new_tenant):
    cid = world.customer_writes("Quero etiquetas")
    url = f"/api/conversations/{cid}/tags"
    r = world.admin.client.put(url, json={"tags": ["VIP", " urgente ", "vip"]}, headers=world.admin.headers)
    assert r.status_code == 200, r.text
    assert r.json()["tags"] == ["vip", "urgente"]
    assert world.admin.get(f"/api/conversations/{cid}").json()["tags"] == ["vip", "urgente"]
    r = world.admin.client.put(url, json={"tags": ["x" * 80]}, headers=world.admin.headers)
    assert r.status_code == 422 and r.json()["message"]
    r = world.admin.client.put(url, json={"tags": "vip"}, headers=world.admin.headers)
    assert r.status_code == 422
    other = new_tenant("Outra Empresa")
    r = other.client.put(url, json={"tags": ["intruso"]}, headers=other.headers)
    assert r.status_code == 404
    assert other.get(f"/api/conversations/{cid}/contact").status_code == 404
    assert world.admin.get(f"/api/conversations/{cid}").json()["tags"] == ["vip", "urgente"]
    r = world.admin.client.put(url, json={"tags": []}, headers=world.admin.headers)
    assert r.status_code == 200 and r.json()["tags"] == []


def test_contact_panel_edits_the_contact_and_renames_the_conversation(world):
    cid = world.customer_writes("Oi, sou a Maria")
    got = world.admin.get(f"/api/conversations/{cid}/contact")
    assert got.status_code == 200, got.text
    contact = got.json()["contact"]
    assert contact["phone"] == f"+{CUSTOMER}" and contact["id"]
    view = world.admin.get(f"/api/conversations/{cid}").json()
    assert view["contact_id"] == contact["id"] and "avatar_url" in view
    r = world.admin.client.patch(f"/api/conversations/{cid}/contact", headers=world.admin.headers,
                                 json={"name": "Maria Souza", "tags": ["Cliente"], "notes": "Prefere tarde"})
    assert r.status_code == 200, r.text
    edited = r.json()["contact"]
    assert (edited["name"], edited["tags"], edited["notes"]) == ("Maria Souza", ["cliente"], "Prefere tarde")
    assert world.admin.get(f"/api/conversations/{cid}").json()["contact_name"] == "Maria Souza"
    listed = world.admin.get("/api/conversations").json()["items"]
    assert next(c for c in listed if c["id"] == cid)["contact_name"] == "Maria Souza"
    assert world.admin.get(f"/api/contacts/{contact['id']}").json()["name"] == "Maria Souza"
    r = world.admin.client.patch(f"/api/conversations/{cid}/contact", headers=world.admin.headers,
                                 json={"fields": {"nao_existe": "x"}})
    assert r.status_code == 422 and r.json()["message"]
    assert conversations.get(world.admin.tenant_id, cid).display_name == "Maria Souza"
    # the customer writes again (pushName "Maria"): the name the attendant gave stays in the inbox
    world.customer_writes("Mais uma pergunta")
    assert world.admin.get(f"/api/conversations/{cid}").json()["contact_name"] == "Maria Souza"
    hits = world.admin.get("/api/conversations", params={"q": "souza"}).json()["items"]
    assert [c["id"] for c in hits] == [cid]


def test_the_simulator_refuses_a_reaction_without_its_key(sim):
    r = httpx.post(f"{sim.url}/message/sendReaction/nope", json={"reaction": "👍"},
                   headers={"apikey": sim.api_key})
    assert r.status_code == 404  # unknown instance first, as Evolution does
