"""Fixtures of the REST API tests: the app over the `aws` fixture (moto over HTTP), signed-up tenants."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

PASSWORD = "s3nha-Segura!"


@pytest.fixture(autouse=True)
def light_password_hashing(monkeypatch):
    """argon2id with small cost parameters: same algorithm and code path, ~100x faster than production's
    64 MiB profile (the cost is a deployment parameter, not behaviour under test)."""
    from argon2 import PasswordHasher

    from alrea.services import passwords

    light = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "hasher", lambda: light)


# The plan the tenants of these tests get right after signing up, through the operator's path
# (services.subscriptions.apply_subscription, what billing and the operator call): every product, room for
# the tests' users and numbers (sign-up itself gives Professional in trial: test_plans_and_limits.py).
TEST_PLAN, TEST_ADD_ONS = "professional", ("sense",)


def give_plan(tenant_id: str, plan: str = TEST_PLAN, add_ons: tuple[str, ...] | None = None, **limits: Any) -> None:
    """``add_ons`` None: the test plan's (Sense) on the test plan, none on another."""
    from alrea.services import subscriptions

    if add_ons is None:
        add_ons = TEST_ADD_ONS if plan == TEST_PLAN else ()
    subscriptions.apply_subscription(tenant_id, plan, list(add_ons), limits=limits or None)


@pytest.fixture
def partner_rate(monkeypatch):
    """Setter: keys made afterwards on the test plan get ``rate`` (the limiter itself: test_partner_keys.py)."""
    import dataclasses

    from alrea.domain import plans

    def set_rate(rate) -> None:
        monkeypatch.setitem(plans.PLANS, TEST_PLAN, dataclasses.replace(plans.PLANS[TEST_PLAN], api_rate=rate))

    return set_rate


@pytest.fixture
def roomy_partner_rate(partner_rate):
    """Partner keys with room for dozens of calls a second (the limiter itself: test_partner_keys.py)."""
    from alrea.domain.api_keys import Rate

    partner_rate(Rate(per_minute=6000, burst=1000))


@pytest.fixture
def plan_of():
    """Setter: ``plan_of(tenant_id, "starter", add_ons=None, **limits)`` through the operator's path."""
    return give_plan


@pytest.fixture
def app_logs():
    """Everything the app logs (Powertools JSON lines, DEBUG and up) during the test, as text."""
    import io
    import logging

    from alrea.core.log import logger

    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logger.registered_formatter)
    previous = logger.log_level
    logger.addHandler(handler)
    logger.setLevel("DEBUG")
    yield buffer
    logger.setLevel(previous)
    logger.removeHandler(handler)


@pytest.fixture
def api_runtime(aws):
    """The runtime the API's health check reads: SQS + S3 on moto, in-memory push."""
    from alrea.adapters.aws.s3 import S3Storage
    from alrea.adapters.aws.sqs import SqsBus
    from alrea.adapters.memory.push import MemoryPush
    from alrea.wiring import Runtime, set_runtime

    rt = Runtime(
        bus=SqsBus(aws.queue_urls),
        push=MemoryPush(),
        pacer=None,
        whatsapp=None,  # type: ignore[arg-type]
        storage=S3Storage(aws.bucket_name),
    )
    set_runtime(rt)
    yield rt
    set_runtime(None)


@pytest.fixture
def app(api_runtime):
    from alrea.api.app import create_app

    return create_app()


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    # raise_server_exceptions stays on: anything escaping the app's own error handling fails the test
    with TestClient(app) as c:
        yield c


@dataclass
class Account:
    """A signed-up tenant's admin, as a test sees it."""

    client: TestClient
    tenant_id: str
    user_id: str
    email: str
    access: str
    refresh: str
    password: str = PASSWORD
    signup: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}

    def get(self, path: str, **kw: Any):
        return self.client.get(path, headers=self.headers, **kw)

    def post(self, path: str, json: Any = None, **kw: Any):
        return self.client.post(path, json=json, headers=self.headers, **kw)

    def patch(self, path: str, json: Any = None, **kw: Any):
        return self.client.patch(path, json=json, headers=self.headers, **kw)

    def put(self, path: str, json: Any = None, **kw: Any):
        return self.client.put(path, json=json, headers=self.headers, **kw)

    def delete(self, path: str, **kw: Any):
        return self.client.delete(path, headers=self.headers, **kw)

    def department(self, name: str = "Vendas") -> str:
        r = self.post("/api/departments", {"name": name})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def user(self, role: str = "agent", department_id: str | None = None, **extra: Any) -> dict[str, Any]:
        body = {
            "name": f"{role} {uuid.uuid4().hex[:4]}",
            "email": unique_email(role),
            "password": PASSWORD,
            "role": role,
            "department_id": department_id,
            **extra,
        }
        r = self.post("/api/users", body)
        assert r.status_code == 201, r.text
        return {**r.json(), "password": PASSWORD}

    def login_as(self, email: str, password: str = PASSWORD) -> Account:
        r = self.client.post("/api/auth/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        tokens = r.json()
        from alrea.services.tokens import verify_access

        claims = verify_access(tokens["access"])
        return Account(
            self.client, claims.tenant_id, claims.user_id, email, tokens["access"], tokens["refresh"]
        )


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10]}@acme.com.br"


def signup(client: TestClient, company: str = "Acme Ltda", email: str | None = None) -> Account:
    email = email or unique_email("admin")
    r = client.post(
        "/api/auth/signup",
        json={"company": company, "name": "Ana Admin", "email": email, "password": PASSWORD},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    give_plan(body["tenant"]["id"])
    return Account(
        client, body["tenant"]["id"], body["user"]["id"], email, body["access"], body["refresh"], signup=body
    )


@pytest.fixture
def new_tenant(client):
    """Factory: ``new_tenant("Empresa", email=None) -> Account`` (a fresh tenant and its admin)."""
    return lambda company="Acme Ltda", email=None: signup(client, company, email)


@pytest.fixture
def new_email():
    """Factory: a unique e-mail address."""
    return unique_email


@pytest.fixture
def tenant_a(client) -> Account:
    return signup(client, "Empresa A")


@pytest.fixture
def tenant_b(client) -> Account:
    return signup(client, "Empresa B")
