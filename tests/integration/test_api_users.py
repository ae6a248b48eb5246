"""/api/users: admin-only management, departments required by role, and the plan's active-user limit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

PASSWORD = "s3nha-Segura!"


def test_admin_creates_lists_reads_and_changes_users(tenant_a):
    sales = tenant_a.department("Vendas")
    support = tenant_a.department("Suporte")
    agent = tenant_a.user("agent", sales)
    assert agent["role"] == "agent" and agent["department_id"] == sales and agent["active"] is True

    listed = tenant_a.get("/api/users").json()["items"]
    assert {u["id"] for u in listed} == {tenant_a.user_id, agent["id"]}
    assert all("password_hash" not in u for u in listed)
    assert tenant_a.get(f"/api/users/{agent['id']}").json()["email"] == agent["email"]

    r = tenant_a.patch(
        f"/api/users/{agent['id']}", {"role": "manager", "department_id": support, "name": "Caio"}
    )
    assert r.status_code == 200, r.text
    assert (r.json()["role"], r.json()["department_id"], r.json()["name"]) == ("manager", support, "Caio")
    depts = {d["id"]: d["members_count"] for d in tenant_a.get("/api/departments").json()["items"]}
    assert depts == {sales: 0, support: 1}

    # the new role applies at once, to a token issued before the change
    manager = tenant_a.login_as(agent["email"])
    assert tenant_a.patch(f"/api/users/{agent['id']}", {"role": "admin"}).status_code == 200
    assert manager.get("/api/users").status_code == 200


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_agents_and_managers_cannot_manage_users(tenant_a, role, new_email):
    dept = tenant_a.department()
    member = tenant_a.login_as(tenant_a.user(role, dept)["email"])
    body = {"name": "X", "email": new_email(), "password": PASSWORD, "role": "agent", "department_id": dept}
    r = member.post("/api/users", body)
    assert r.status_code == 403
    assert r.json()["error"] == "forbidden" and r.json()["message"]
    assert member.get("/api/users").status_code == 403
    assert member.post(f"/api/users/{tenant_a.user_id}/deactivate").status_code == 403
    assert member.patch(f"/api/users/{member.user_id}", {"role": "admin"}).status_code == 403


def test_users_without_token_are_401(client):
    assert client.get("/api/users").status_code == 401


def test_manager_and_agent_need_a_department_of_this_tenant(tenant_a, tenant_b, new_email):
    base = {"name": "Sem Depto", "password": PASSWORD}
    no_dept = tenant_a.post("/api/users", {**base, "email": new_email(), "role": "agent"})
    assert no_dept.status_code == 422 and no_dept.json()["field"] == "department_id"
    foreign = tenant_a.post(
        "/api/users",
        {**base, "email": new_email(), "role": "manager", "department_id": tenant_b.department()},
    )
    assert foreign.status_code == 422
    assert "Departamento" in foreign.json()["message"]
    # an admin needs none
    assert tenant_a.post("/api/users", {**base, "email": new_email(), "role": "admin"}).status_code == 201


def test_a_user_email_is_unique_across_tenants(tenant_a, tenant_b):
    r = tenant_a.post(
        "/api/users", {"name": "Dup", "email": tenant_b.email, "password": PASSWORD, "role": "admin"}
    )
    assert r.status_code == 409 and r.json()["error"] == "email_taken"
    assert tenant_a.get("/api/me").json()["tenant"]["usage"]["users"] == 1  # the seat was not taken


def test_an_admin_cannot_deactivate_themselves(tenant_a):
    r = tenant_a.post(f"/api/users/{tenant_a.user_id}/deactivate")
    assert r.status_code == 403
    assert tenant_a.get("/api/me").status_code == 200


def test_max_users_is_402_with_a_message_and_deactivating_frees_a_seat(tenant_a, new_email, plan_of):
    plan_of(tenant_a.tenant_id, "professional", max_users=3)  # an operator's exception: 3 seats
    dept = tenant_a.department()
    a1 = tenant_a.user("agent", dept)
    tenant_a.user("agent", dept)  # 3 active users: the limit
    r = tenant_a.post(
        "/api/users",
        {
            "name": "Quarto",
            "email": new_email(),
            "password": PASSWORD,
            "role": "agent",
            "department_id": dept,
        },
    )
    assert r.status_code == 402
    assert r.json()["error"] == "plan_limit"
    assert (
        r.json()["message"] == "Seu plano Professional permite até 3 usuários ativos; o plano Enterprise não tem "
        "limite. Desative um usuário ou faça upgrade."
    )
    assert r.json()["limit"] == "max_users" and r.json()["upgrade_to"] == "enterprise"

    assert tenant_a.post(f"/api/users/{a1['id']}/deactivate").json()["active"] is False
    assert (
        tenant_a.post(f"/api/users/{a1['id']}/deactivate").status_code == 200
    )  # idempotent: no double count
    assert tenant_a.get("/api/me").json()["tenant"]["usage"]["users"] == 2
    a4 = tenant_a.user("agent", dept)  # the freed seat
    assert tenant_a.post(f"/api/users/{a1['id']}/activate").status_code == 402  # full again
    assert tenant_a.post(f"/api/users/{a4['id']}/deactivate").status_code == 200
    assert tenant_a.post(f"/api/users/{a1['id']}/activate").json()["active"] is True
    assert tenant_a.get("/api/me").json()["tenant"]["usage"]["users"] == 3


def test_concurrent_creates_never_exceed_the_limit(app, tenant_a, new_email, plan_of):
    plan_of(tenant_a.tenant_id, "professional", max_users=3)
    dept = tenant_a.department()

    def create(i: int) -> int:
        with TestClient(app) as c:
            r = c.post(
                "/api/users",
                headers=tenant_a.headers,
                json={
                    "name": f"Agente {i}",
                    "email": new_email(f"c{i}"),
                    "password": PASSWORD,
                    "role": "agent",
                    "department_id": dept,
                },
            )
            assert r.status_code in (201, 402, 409), r.text
            return r.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(create, range(8)))
    # the admin holds one of the 3 seats; at most 2 creates may win, and every refusal is the plan limit
    assert codes.count(201) <= 2, codes
    assert codes.count(201) >= 1, codes
    users = tenant_a.get("/api/users").json()["items"]
    active = [u for u in users if u["active"]]
    assert len(active) <= 3
    me = tenant_a.get("/api/me").json()
    assert me["tenant"]["usage"]["users"] == len(active)
    members = {d["id"]: d["members_count"] for d in tenant_a.get("/api/departments").json()["items"]}
    assert members[dept] == len(active) - 1  # every created user is counted in their department
