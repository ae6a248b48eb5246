"""Inbox search on the real path: inbound webhooks through the processor, sends through the REST API, a
messages.delete webhook, the REST API over moto.

Messages are found by words of their text (accents and case ignored, the last word as a prefix), newest first
and paginated; a caller never finds a message of a conversation they may not see (another department's, another
tenant's); a deleted message leaves the index. Contacts are found by any word of the name and by their phone:
a prefix (with or without country and area code, or the 8-digit form of a Brazilian mobile) or the last digits,
in /api/search and on the contacts page (/api/contacts?q=).
"""
from __future__ import annotations

import time
import uuid

import pytest
from inbox_world import process_webhook, staffed_tenant

from alrea.simulator import payloads as p
from alrea.store import conversations, search_index

EVO = "search-evo"


def customer_writes(world, phone: str, text: str, name: str, now: int | None = None) -> tuple[str, str]:
    """A customer writes (messages.upsert through the processor). Answers (conversation id, wamid)."""
    jid = f"{phone}@s.whatsapp.net"
    data = p.inbound_message(world["instance"].instance_id, jid, p.text_content(text), "conversation", name,
                             now=now or int(time.time()))
    process_webhook(world, "messages.upsert", data)
    return conversations.conversation_id(world["tid"], world["instance"].instance_id, jid), data["key"]["id"]


STAFF = {"mgr_v": ("manager", "Vendas"), "ag_v": ("agent", "Vendas"), "ag_s": ("agent", "Suporte"),
         "mgr_s": ("manager", "Suporte")}


@pytest.fixture
def world(client, new_tenant, api_runtime):
    return staffed_tenant(new_tenant, "Busca Ltda", STAFF, EVO)


def search(account, q: str, **params) -> dict:
    r = account.get("/api/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return r.json()


def found(account, q: str) -> list[str]:
    return [m["message_id"] for m in search(account, q)["messages"]]


def test_inbound_and_outbound_messages_are_found_by_words_accents_case_and_prefix(world):
    admin = world["admin"]
    t0 = int(time.time()) - 600
    cid, w1 = customer_writes(world, "5511987650001", "Olá! Qual o prazo de entrega para o CEP 01310-000 "
                                                     "na Avenida Paulista?", "Márcia Souza", now=t0)
    _, w2 = customer_writes(world, "5511987650002", "A entrega do AÇAÍ chegou fria", "Pedro", now=t0 + 60)
    # the result shows what the attendant needs: conversation, snippet, time, contact, direction
    [hit] = search(admin, "cep 01310")["messages"]
    assert hit["conversation_id"] == cid and hit["message_id"] == w1 and hit["direction"] == "in"
    assert hit["contact_name"] == "Márcia Souza" and "CEP 01310-000" in hit["snippet"]
    assert hit["at"].startswith(time.strftime("%Y-%m-%dT", time.gmtime(t0)))
    # accents and case do not matter, either way round; the word being typed is a prefix
    assert found(admin, "acai") == [w2]
    assert found(admin, "Açaí") == [w2]
    assert found(admin, "PAULIST") == [w1]
    assert found(admin, "avenida paul") == [w1]
    assert found(admin, "paulista acai") == []  # every word must be in the same message
    # newest first, paginated
    assert found(admin, "entrega") == [w2, w1]
    first = search(admin, "entrega", limit=1)
    assert [m["message_id"] for m in first["messages"]] == [w2] and first["next_cursor"]
    second = search(admin, "entrega", limit=1, cursor=first["next_cursor"])
    assert [m["message_id"] for m in second["messages"]] == [w1]
    assert not second["next_cursor"] or search(admin, "entrega", limit=1, cursor=second["next_cursor"]
                                               )["messages"] == []

    # an attendant's answer (outbound, sent from the inbox) is found as soon as it is stored
    r = admin.post(f"/api/conversations/{cid}/messages", {"text": "Para o CEP 01310 o frete é grátis, Márcia"})
    assert r.status_code == 202, r.text
    out = r.json()["id"]
    hits = search(admin, "frete gratis")["messages"]
    assert [(m["message_id"], m["direction"]) for m in hits] == [(out, "out")]
    assert found(admin, "cep 01310") == [out, w1]
    # internal notes are not indexed
    assert admin.post(f"/api/conversations/{cid}/notes", {"text": "cliente xpto vip"}).status_code == 201
    assert found(admin, "xpto") == []


def test_a_deleted_message_leaves_the_index(world):
    admin = world["admin"]
    cid, wamid = customer_writes(world, "5511987650003", "Meu pedido zanzibar atrasou", "Rita")
    assert found(admin, "zanzibar") == [wamid]
    process_webhook(world, "messages.delete", {"remoteJid": "5511987650003@s.whatsapp.net", "fromMe": False, "id": wamid})
    assert found(admin, "zanzibar") == []
    assert found(admin, "zanz") == []
    assert list(search_index.WordItem.query(search_index.word_pk(world["tid"], "zanzibar"))) == []


def test_role_scoping_and_tenant_isolation(world, new_tenant):
    a, admin = world["as"], world["admin"]
    cid, wamid = customer_writes(world, "5511987650004", "Quero o catalogo de tulipas", "Joana")
    # the conversation went to Vendas (the number's department), unassigned: the Vendas queue
    assert found(admin, "tulipas") == [wamid]
    assert found(a["mgr_v"], "tulipas") == [wamid]
    assert found(a["ag_v"], "tulipas") == [wamid]
    assert found(a["ag_s"], "tulipas") == []
    assert found(a["mgr_s"], "tulipas") == []
    # transferred to Suporte: the Vendas agent stops finding it, Suporte's start
    r = admin.post(f"/api/conversations/{cid}/transfer", {"department_id": world["suporte"]})
    assert r.status_code == 200, r.text
    assert found(a["ag_v"], "tulipas") == [] and found(a["mgr_v"], "tulipas") == []
    assert found(a["ag_s"], "tulipas") == [wamid] and found(a["mgr_s"], "tulipas") == [wamid]
    # another tenant never finds it, nor its contact
    other = new_tenant("Outra Ltda")
    body = search(other, "tulipas")
    assert body["messages"] == [] and body["contacts"] == []
    assert search(other, "Joana")["contacts"] == []


def test_contacts_by_any_word_of_the_name_and_by_phone_prefix_or_last_digits(world):
    admin = world["admin"]
    r = admin.post("/api/contacts", {"phone": "+55 11 99876-5432", "name": "Ana Beatriz Silva"})
    assert r.status_code == 201, r.text
    ana = r.json()["id"]
    assert admin.post("/api/contacts", {"phone": "+55 21 98888-1111", "name": "Bruno Silveira"}).status_code == 201
    assert admin.post("/api/contacts", {"phone": "+55 31 97777-2222", "name": "Carla Sousa"}).status_code == 201

    def names(q: str, path: str = "/api/search") -> list[str]:
        r = admin.get(path, params={"q": q})
        assert r.status_code == 200, r.text
        body = r.json()
        return sorted(c["name"] for c in (body["contacts"] if "contacts" in body else body["items"]))

    for path in ("/api/search", "/api/contacts"):
        assert names("beatriz", path) == ["Ana Beatriz Silva"]  # a middle name
        assert names("Beatriz S", path) == ["Ana Beatriz Silva"]
        assert names("silv", path) == ["Ana Beatriz Silva", "Bruno Silveira"]  # any word's prefix
        assert names("SÍLVA", path) == ["Ana Beatriz Silva"]  # case and accents
        assert names("5432", path) == ["Ana Beatriz Silva"]  # the last digits
        assert names("65432", path) == ["Ana Beatriz Silva"]
        assert names("98765", path) == ["Ana Beatriz Silva"]  # the mobile's 8-digit form (without the 9)
        assert names("99876-5", path) == ["Ana Beatriz Silva"]  # the subscriber number, formatted
        assert names("2222", path) == ["Carla Sousa"]
        assert names("+55 21", path) == ["Bruno Silveira"]  # a prefix with the country code
        assert names("31 9777", path) == ["Carla Sousa"]  # area code and number, as typed locally
        assert names("ana", path) == ["Ana Beatriz Silva"]
    # a rename replaces the terms: the old name is no longer found, the new one is
    r = admin.patch(f"/api/contacts/{ana}", {"name": "Ana Moreira"})
    assert r.status_code == 200, r.text
    assert names("beatriz", "/api/contacts") == [] and names("moreira", "/api/contacts") == ["Ana Moreira"]
    assert names("5432", "/api/contacts") == ["Ana Moreira"]
    # deleted contacts leave the search
    assert admin.delete(f"/api/contacts/{ana}").status_code == 204
    assert names("moreira", "/api/contacts") == [] and names("98765", "/api/search") == []


def test_a_person_who_writes_is_found_by_their_whatsapp_name(world):
    admin = world["admin"]
    customer_writes(world, "5511987650005", "Bom dia", "Lúcia Fernandes Prado")
    r = admin.get("/api/search", params={"q": "prado"})
    assert r.status_code == 200, r.text
    assert [c["phone"] for c in r.json()["contacts"]] == ["+5511987650005"]
    customer_writes(world, "5511987650005", "Oi de novo", "Lúcia Mattos")  # renamed on WhatsApp
    assert search(admin, "prado")["contacts"] == []
    assert [c["name"] for c in search(admin, "mattos")["contacts"]] == ["Lúcia Mattos"]


@pytest.mark.parametrize("params, field", [
    ({"q": ""}, "q"), ({"q": "ab"}, "q"), ({"q": "  a "}, "q"), ({"q": "x" * 81}, "q"), ({"q": "x" * 201}, "q"),
    ({"q": "entrega", "cursor": "nao-e-um-cursor"}, "cursor"), ({"q": "entrega", "limit": 0}, "limit"),
    ({"q": "entrega", "limit": 51}, "limit"),
])
def test_bad_queries_answer_4xx_in_portuguese(world, params, field):
    r = world["admin"].get("/api/search", params=params)
    assert r.status_code in (400, 422), r.text
    body = r.json()
    assert body["message"] and body["error"]
    assert r.status_code != 500


def test_search_requires_a_token(client):
    assert client.get("/api/search", params={"q": "entrega"}).status_code == 401


def test_the_embedded_moto_index_query_answers_its_partition_in_order_and_pages(aws):
    """The index-partition read of the embedded moto (local/moto_dynamodb.py repair 3, which the search index's
    prefix partitions rely on in tests and benches) answers what moto's full sort did: the partition, sorted,
    paged, items without the index attribute left out."""
    import boto3

    client, table = boto3.client("dynamodb"), aws.table_name
    g, other = "T#" + uuid.uuid4().hex, "T#" + uuid.uuid4().hex

    def put(pk: str, sk: str, gpk: str | None, gsk: str | None) -> None:
        extra = {"gsi1pk": {"S": gpk}, "gsi1sk": {"S": gsk}} if gpk else {}
        client.put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"S": sk}, **extra})

    for i in range(20):
        put(other, f"X{i}", other, f"{i:03d}")
        put(other, f"Y{i}", None, None)
    for i in (5, 1, 9, 3, 7):
        put(f"{g}#{i}", "S", g, f"{i:03d}")

    def query(**kw):
        return client.query(TableName=table, IndexName="gsi1", KeyConditionExpression="gsi1pk = :g",
                            ExpressionAttributeValues={":g": {"S": g}}, **kw)

    assert [i["gsi1sk"]["S"] for i in query()["Items"]] == ["001", "003", "005", "007", "009"]
    assert [i["gsi1sk"]["S"] for i in query(ScanIndexForward=False)["Items"]][:2] == ["009", "007"]
    first = query(Limit=2, ScanIndexForward=False)
    second = query(Limit=2, ScanIndexForward=False, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert [i["gsi1sk"]["S"] for i in first["Items"] + second["Items"]] == ["009", "007", "005", "003"]
    assert client.query(TableName=table, IndexName="gsi1", KeyConditionExpression="gsi1pk = :g",
                        ExpressionAttributeValues={":g": {"S": "T#nobody"}})["Items"] == []
