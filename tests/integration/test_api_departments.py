"""/api/departments, and tenant isolation: another tenant's ids answer 404 on every verb."""

from __future__ import annotations

import pytest

PASSWORD = "s3nha-Segura!"


def test_department_crud_and_roles(tenant_a):
    dept = tenant_a.department("Vendas")
    assert tenant_a.patch(f"/api/departments/{dept}", {"name": "Vendas B2B"}).json()["name"] == "Vendas B2B"
    agent = tenant_a.login_as(tenant_a.user("agent", dept)["email"])
    # any user lists and reads; only admins change
    assert [d["name"] for d in agent.get("/api/departments").json()["items"]] == ["Vendas B2B"]
    assert agent.get(f"/api/departments/{dept}").status_code == 200
    assert agent.post("/api/departments", {"name": "Nova"}).status_code == 403
    assert agent.patch(f"/api/departments/{dept}", {"name": "X"}).status_code == 403
    assert agent.delete(f"/api/departments/{dept}").status_code == 403

    empty = tenant_a.department("Vazio")
    assert tenant_a.delete(f"/api/departments/{empty}").status_code == 204
    assert tenant_a.get(f"/api/departments/{empty}").status_code == 404


def test_a_department_with_users_cannot_be_deleted(tenant_a):
    sales, support = tenant_a.department("Vendas"), tenant_a.department("Suporte")
    agent = tenant_a.user("agent", sales)
    r = tenant_a.delete(f"/api/departments/{sales}")
    assert r.status_code == 409
    assert "usuário" in r.json()["message"]
    assert tenant_a.patch(f"/api/users/{agent['id']}", {"department_id": support}).status_code == 200
    assert tenant_a.delete(f"/api/departments/{sales}").status_code == 204


def test_department_name_is_required(tenant_a):
    r = tenant_a.post("/api/departments", {"name": "   "})
    assert r.status_code == 422
    assert r.json()["fields"][0]["field"] == "name"


@pytest.fixture
def b_ids(tenant_b):
    dept = tenant_b.department("Financeiro B")
    user = tenant_b.user("agent", dept)
    return {"dept": dept, "user": user["id"]}


def test_tenant_a_gets_404_for_tenant_b_departments(tenant_a, tenant_b, b_ids):
    dept = b_ids["dept"]
    assert tenant_a.get(f"/api/departments/{dept}").status_code == 404
    assert tenant_a.patch(f"/api/departments/{dept}", {"name": "Tomado"}).status_code == 404
    assert tenant_a.delete(f"/api/departments/{dept}").status_code == 404
    assert all(d["id"] != dept for d in tenant_a.get("/api/departments").json()["items"])
    # untouched on B's side
    assert tenant_b.get(f"/api/departments/{dept}").json()["name"] == "Financeiro B"


def test_tenant_a_gets_404_for_tenant_b_users(tenant_a, tenant_b, b_ids):
    uid = b_ids["user"]
    for r in (
        tenant_a.get(f"/api/users/{uid}"),
        tenant_a.patch(f"/api/users/{uid}", {"name": "Tomado"}),
        tenant_a.post(f"/api/users/{uid}/deactivate"),
        tenant_a.post(f"/api/users/{uid}/activate"),
    ):
        assert r.status_code == 404, r.text
        assert r.json()["error"] == "not_found"
    assert all(u["id"] != uid for u in tenant_a.get("/api/users").json()["items"])
    b_user = tenant_b.get(f"/api/users/{uid}").json()
    assert b_user["name"] != "Tomado" and b_user["active"] is True
    # nor can A place its own user into B's department
    own = tenant_a.user("admin")
    r = tenant_a.patch(f"/api/users/{own['id']}", {"role": "agent", "department_id": b_ids["dept"]})
    assert r.status_code == 422
