"""Bad input always gets a clear 4xx with a message; an unexpected failure a 500 without internals."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

PASSWORD = "s3nha-Segura!"
LIMIT = 256 * 1024


def _is_error(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert isinstance(body.get("message"), str) and body["message"].strip(), body
    assert "Traceback" not in r.text
    if code:
        assert body["error"] == code, body
    return body


def test_malformed_json_is_400_with_a_clear_message(client):
    r = client.post(
        "/api/auth/login",
        content=b'{"email": "a@b.com", "password": ',
        headers={"Content-Type": "application/json"},
    )
    body = _is_error(r, 400, "malformed_json")
    assert "JSON" in body["message"]


def test_missing_fields_are_422_per_field(client):
    body = _is_error(client.post("/api/auth/signup", json={"company": "Acme"}), 422, "invalid")
    fields = {f["field"]: f["message"] for f in body["fields"]}
    assert set(fields) == {"name", "email", "password"}
    assert fields["email"] == "campo obrigatório"
    assert "email" in body["message"]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"company": 123, "name": "A", "email": "a@acme.com.br", "password": PASSWORD}, "company"),
        ({"company": "A", "name": ["x"], "email": "a@acme.com.br", "password": PASSWORD}, "name"),
        ({"company": "A", "name": "B", "email": "not-an-email", "password": PASSWORD}, "email"),
        ({"company": "A", "name": "B", "email": "a@acme.com.br", "password": {"x": 1}}, "password"),
        (
            {"company": "A", "name": "B", "email": "a@acme.com.br", "password": PASSWORD, "admin": True},
            "admin",
        ),
    ],
)
def test_wrong_types_are_422_naming_the_field(client, payload, field):
    body = _is_error(client.post("/api/auth/signup", json=payload), 422, "invalid")
    assert [f["field"] for f in body["fields"]] == [field]


def test_body_not_an_object_is_422(client):
    _is_error(client.post("/api/auth/login", json=["a", "b"]), 422, "invalid")


def test_wrong_role_value_is_422(tenant_a, new_email):
    r = tenant_a.post("/api/users", {"name": "X", "email": new_email(), "password": PASSWORD, "role": "root"})
    body = _is_error(r, 422, "invalid")
    assert body["fields"][0]["field"] == "role"


def test_body_over_256kb_is_413_with_content_length(client):
    big = json.dumps({"email": "a@acme.com.br", "password": "x" * (LIMIT + 10)})
    r = client.post("/api/auth/login", content=big, headers={"Content-Type": "application/json"})
    body = _is_error(r, 413, "payload_too_large")
    assert "256 KB" in body["message"]


def test_body_over_256kb_is_413_when_streamed_without_length(client):
    def chunks():
        yield b'{"email": "a@acme.com.br", "password": "'
        for _ in range(10):
            yield b"x" * (LIMIT // 8)
        yield b'"}'

    r = client.post("/api/auth/login", content=chunks(), headers={"Content-Type": "application/json"})
    _is_error(r, 413, "payload_too_large")


def test_a_body_just_under_the_limit_is_accepted(client):
    body = json.dumps({"email": "a@acme.com.br", "password": "x" * (LIMIT - 100)})
    assert len(body) < LIMIT
    r = client.post("/api/auth/login", content=body, headers={"Content-Type": "application/json"})
    _is_error(r, 422)  # past the limit check, refused by validation (password too long), not by size


def test_unknown_route_and_method_answer_in_the_same_shape(client):
    _is_error(client.get("/api/nope"), 404, "not_found")
    _is_error(client.delete("/api/auth/login"), 405, "method_not_allowed")


def test_an_unexpected_error_is_500_without_internals(app, app_logs):
    @app.get("/api/_boom")
    def boom():
        raise RuntimeError("db password=hunter2 leaked in an exception")

    with TestClient(app) as c:
        r = c.get("/api/_boom")
    body = _is_error(r, 500, "internal")
    assert "hunter2" not in r.text and "RuntimeError" not in r.text
    assert body == {"error": "internal", "message": body["message"]}
    logged = app_logs.getvalue()
    assert "unhandled error" in logged and "RuntimeError" in logged  # the operator sees it; the user not
