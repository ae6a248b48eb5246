"""GET /api/health: every component on moto answers ok; a broken one makes it 503 with a reason."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_health_is_200_when_everything_is_ok(client):
    r = client.get("/api/health")  # no auth
    assert r.status_code == 200, r.text
    assert r.json() == {
        "status": "ok",
        "components": {"store": "ok", "queues": "ok", "storage": "ok", "broker": "ok"},
    }


def test_health_is_503_naming_the_broken_component(app, api_runtime):
    from alrea.adapters.aws.s3 import S3Storage

    api_runtime.storage = S3Storage("no-such-bucket-here")
    with TestClient(app) as c:
        r = c.get("/api/health")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "degraded"
    assert body["components"]["storage"] != "ok" and "no-such-bucket-here" in body["components"]["storage"]
    assert body["components"]["store"] == "ok"
