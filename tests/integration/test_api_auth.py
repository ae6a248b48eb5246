"""Sign-up, login, rotating refresh and logout over the API, on moto."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

PASSWORD = "s3nha-Segura!"
SECRET = "test-secret-" + "x" * 32


def test_signup_creates_a_professional_tenant_in_trial_with_its_admin(client, new_email):
    email = new_email("Founder").upper()  # e-mails are stored lowercased
    r = client.post(
        "/api/auth/signup",
        json={"company": "Padaria Pão Quente", "name": "Ana", "email": email, "password": PASSWORD},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["tenant"]["name"] == "Padaria Pão Quente"
    assert body["tenant"]["plan"] == "professional" and body["tenant"]["billing_status"] == "trialing"
    assert body["tenant"]["products"] == ["api", "flow", "notifications"]
    assert body["tenant"]["timezone"] == "America/Sao_Paulo" and body["tenant"]["country"] == "BR"
    assert set(body["tenant"]["limits"]) == {
        "max_users",
        "max_numbers",
        "max_contacts",
        "max_campaigns_per_month",
    }
    assert body["tenant"]["usage"]["users"] == 1
    assert body["user"]["role"] == "admin" and body["user"]["email"] == email.lower()
    assert "password" not in body["user"] and "password_hash" not in body["user"]

    me = client.get("/api/me", headers={"Authorization": f"Bearer {body['access']}"})
    assert me.status_code == 200, me.text
    assert me.json()["user"]["id"] == body["user"]["id"]
    assert me.json()["tenant"]["id"] == body["tenant"]["id"]
    assert me.json()["tenant"]["limits"]["max_users"] == 5
    assert me.json()["plan"]["name"] == "professional" and me.json()["plan"]["status"] == "trialing"
    assert me.json()["plan"]["trial_ends_at"] > body["tenant"]["created_at"]


def test_signup_with_a_registered_email_is_409_even_in_other_case(client, tenant_a):
    r = client.post(
        "/api/auth/signup",
        json={"company": "Outra", "name": "Bia", "email": tenant_a.email.upper(), "password": PASSWORD},
    )
    assert r.status_code == 409
    assert r.json()["error"] == "email_taken"
    assert "e-mail" in r.json()["message"]


def test_signup_password_too_short_is_422_with_message(client, new_email):
    r = client.post(
        "/api/auth/signup", json={"company": "X", "name": "Y", "email": new_email(), "password": "curta"}
    )
    assert r.status_code == 422
    assert "8 caracteres" in r.json()["message"]


def test_login_answers_tokens_and_a_generic_401_on_any_mismatch(client, tenant_a, new_email):
    ok = client.post("/api/auth/login", json={"email": tenant_a.email, "password": PASSWORD})
    assert ok.status_code == 200
    assert set(ok.json()) == {"access", "refresh"}
    wrong_password = client.post("/api/auth/login", json={"email": tenant_a.email, "password": "errada123"})
    unknown = client.post("/api/auth/login", json={"email": new_email(), "password": PASSWORD})
    assert wrong_password.status_code == unknown.status_code == 401
    assert wrong_password.json() == unknown.json()  # nothing tells which part was wrong


def test_deactivated_user_cannot_login_nor_use_their_tokens(tenant_a):
    dept = tenant_a.department()
    agent = tenant_a.user("agent", dept)
    session = tenant_a.login_as(agent["email"])
    assert session.get("/api/me").status_code == 200
    assert tenant_a.post(f"/api/users/{agent['id']}/deactivate").status_code == 200
    r = tenant_a.client.post("/api/auth/login", json={"email": agent["email"], "password": PASSWORD})
    assert r.status_code == 401
    assert session.get("/api/me").status_code == 401  # the access token dies with the user
    assert tenant_a.client.post("/api/auth/refresh", json={"refresh": session.refresh}).status_code == 401


def test_refresh_rotates_and_a_reused_token_revokes_the_whole_family(client, tenant_a):
    first = tenant_a.refresh
    r1 = client.post("/api/auth/refresh", json={"refresh": first})
    assert r1.status_code == 200, r1.text
    second = r1.json()["refresh"]
    assert second != first
    assert (
        client.get("/api/me", headers={"Authorization": f"Bearer {r1.json()['access']}"}).status_code == 200
    )

    reuse = client.post("/api/auth/refresh", json={"refresh": first})  # an old token: stolen or replayed
    assert reuse.status_code == 401
    # the family is revoked: even the latest token no longer refreshes
    assert client.post("/api/auth/refresh", json={"refresh": second}).status_code == 401


def test_other_sessions_survive_a_reuse_in_one_family(client, tenant_a):
    other = tenant_a.login_as(tenant_a.email)
    r = client.post("/api/auth/refresh", json={"refresh": tenant_a.refresh})
    assert r.status_code == 200
    assert client.post("/api/auth/refresh", json={"refresh": tenant_a.refresh}).status_code == 401
    assert client.post("/api/auth/refresh", json={"refresh": other.refresh}).status_code == 200


def test_logout_revokes_the_family(client, tenant_a):
    assert client.post("/api/auth/logout", json={"refresh": tenant_a.refresh}).status_code == 204
    r = client.post("/api/auth/refresh", json={"refresh": tenant_a.refresh})
    assert r.status_code == 401
    assert r.json()["error"] == "unauthorized"


def test_an_access_token_is_not_a_refresh_token_and_vice_versa(client, tenant_a):
    assert client.post("/api/auth/refresh", json={"refresh": tenant_a.access}).status_code == 401
    assert client.get("/api/me", headers={"Authorization": f"Bearer {tenant_a.refresh}"}).status_code == 401


def _claims(account, **overrides):
    now = datetime.now(UTC)
    claims = {
        "sub": account.user_id,
        "tid": account.tenant_id,
        "role": "admin",
        "dept": None,
        "typ": "access",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "jti": "x",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not ...}


@pytest.mark.parametrize(
    "case", ["expired", "tampered", "alg_none", "wrong_key", "no_tid", "garbage", "missing"]
)
def test_bad_access_tokens_are_401(client, tenant_a, case):
    now = datetime.now(UTC)
    if case == "expired":
        token = jwt.encode(
            _claims(tenant_a, iat=now - timedelta(hours=2), exp=now - timedelta(hours=1)),
            SECRET,
            algorithm="HS256",
        )
    elif case == "tampered":
        head, payload, sig = tenant_a.access.split(".")
        forged = jwt.encode(
            _claims(tenant_a, role="admin", tid="another-tenant"), "k" * 32, algorithm="HS256"
        )
        token = ".".join([head, forged.split(".")[1], sig])  # someone else's claims under our signature
    elif case == "alg_none":
        token = jwt.encode(_claims(tenant_a), None, algorithm="none")
    elif case == "wrong_key":
        token = jwt.encode(_claims(tenant_a), "another-secret-" + "y" * 32, algorithm="HS256")
    elif case == "no_tid":
        token = jwt.encode(_claims(tenant_a, tid=...), SECRET, algorithm="HS256")
    elif case == "garbage":
        token = "not.a.jwt"
    else:
        token = None
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = client.get("/api/me", headers=headers)
    assert r.status_code == 401, r.text
    assert r.json()["error"] == "unauthorized" and r.json()["message"]


def test_login_rehashes_a_password_stored_with_weaker_parameters(client, tenant_a, monkeypatch):
    from argon2 import PasswordHasher

    from alrea.services import passwords
    from alrea.store.users import get_user

    before = get_user(tenant_a.tenant_id, tenant_a.user_id).password_hash
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(passwords, "hasher", lambda: stronger)
    assert (
        client.post("/api/auth/login", json={"email": tenant_a.email, "password": PASSWORD}).status_code
        == 200
    )
    after = get_user(tenant_a.tenant_id, tenant_a.user_id).password_hash
    assert after != before and "m=2048,t=2" in after
    assert (
        client.post("/api/auth/login", json={"email": tenant_a.email, "password": PASSWORD}).status_code
        == 200
    )


def test_openapi_is_published(client):
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert {"/api/auth/signup", "/api/users", "/api/departments/{department_id}", "/api/health"} <= set(paths)
