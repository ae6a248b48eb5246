"""The API's routers load per path prefix: every module is listed, serves only the segments it declares, and a
cold handler imports none of them."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from alrea.api import routers

ROOT = Path(__file__).resolve().parents[2]
ROUTER_DIR = ROOT / "layers" / "alrea" / "api" / "routers"
NOT_ROUTERS = {"__init__", "schemas"}


def test_every_router_module_is_listed():
    modules = {p.stem for p in ROUTER_DIR.glob("*.py")} - NOT_ROUTERS
    assert modules == set(routers.ROUTERS)


@pytest.mark.parametrize("module", sorted(routers.ROUTERS))
def test_a_router_serves_only_the_segments_it_declares(module):
    router = routers.load(module)
    served = {routers.segment(route.path) for route in router.routes}
    assert served <= set(routers.ROUTERS[module]), f"{module} serves {served}"
    for route in router.routes:
        assert module in routers.modules_for(route.path)


def test_paths_outside_api_load_nothing():
    assert routers.modules_for("/") == []
    assert routers.modules_for("/api") == []
    assert routers.modules_for("/assets/index.js") == []
    assert routers.segment("/api/contacts/123") == "api/contacts"
    assert routers.segment("/v1/numbers") == "v1/numbers"


def test_a_cold_api_handler_imports_no_router():
    code = ("import importlib.util,sys;"
            f"spec=importlib.util.spec_from_file_location('h',{str(ROOT / 'functions/api/handler.py')!r});"
            "m=importlib.util.module_from_spec(spec);spec.loader.exec_module(m);"
            "print(sorted(n for n in sys.modules if n.startswith(('alrea.api.routers.','alrea.services','alrea.store'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "layers"),
                              "AWS_DEFAULT_REGION": "us-east-1"}).stdout
    assert out.strip() == "[]"


def test_a_request_loads_its_routers_once_and_the_openapi_document_loads_all(monkeypatch):
    from fastapi.testclient import TestClient

    from alrea.api.app import create_app

    app = create_app()
    loader = app.state.routers
    client = TestClient(app)
    assert client.get("/api/health").status_code in (200, 503)
    assert loader.loaded == {"health"}
    assert client.get("/api/nowhere").status_code == 404
    assert client.get("/api/me").status_code == 401  # me, presence, account: the token is checked
    assert loader.loaded == {"health", *routers.modules_for("/api/me")} and "presence" in loader.loaded
    spec = client.get("/api/openapi.json").json()
    assert loader.loaded == set(routers.ROUTERS)
    assert any(p.startswith("/api/campaigns") for p in spec["paths"])


def test_the_partner_openapi_document_has_only_v1_routes_and_documents_their_errors():
    from fastapi.testclient import TestClient

    from alrea.api.app import create_app

    doc = TestClient(create_app()).get("/v1/openapi.json").json()
    assert doc["paths"] and all(p.startswith("/v1/") for p in doc["paths"])
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            assert {"401", "403", "422", "429"} <= set(op["responses"]), (method, path)
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_every_partner_operation_documents_its_scope_and_body_examples_and_the_docs_page_lists_it():
    """A /v1 route without a PartnerKey scope, or a body without an example, fails here (routers/v1_docs.py)."""
    from fastapi.testclient import TestClient

    from alrea.api.app import create_app
    from alrea.api.routers.v1_docs import body_examples
    from alrea.domain.api_keys import SCOPES

    client = TestClient(create_app())
    doc = client.get("/v1/openapi.json").json()
    page = client.get("/v1/docs")
    assert page.status_code == 200 and "<script" not in page.text.lower()
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            assert op.get("x-scope") in SCOPES, (method, path)
            assert f"<code>{op['x-scope']}</code>" in page.text and f"<code>{path}</code>" in page.text
            if "requestBody" in op:
                assert body_examples(op, doc), f"{method} {path}: its body model has no examples"


def test_every_partner_operation_names_its_scope_and_the_campaign_routes_show_an_example():
    from fastapi.testclient import TestClient

    from alrea.api.app import create_app
    from alrea.domain.api_keys import SCOPES

    doc = TestClient(create_app()).get("/v1/openapi.json").json()
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            assert op["x-scope"] in SCOPES, (method, path)
            assert op["description"].startswith(f"Scope: `{op['x-scope']}`."), (method, path)
            if path.startswith("/v1/campaigns"):
                success = next(code for code in op["responses"] if code.startswith("2"))
                assert op["responses"][success]["content"]["application/json"]["example"], (method, path)
                assert op["x-scope"] == ("campaigns:read" if method == "get" else "campaigns:write")
    assert "/v1/campaigns/{campaign_id}/recipients" in doc["paths"]
