"""The demo tenant of ``alrea dev``: one company, two departments, an admin, a manager and an agent.

Idempotent: when the admin's e-mail already exists nothing is written. It goes through the same services the
API uses (sign-up, departments, users), so the demo data obeys the same rules as real data.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from alrea.core.log import logger

COMPANY = "Demo ALREA"
ADMIN_EMAIL = "admin@demo.alrea.dev"
MANAGER_EMAIL = "gerente@demo.alrea.dev"
AGENT_EMAIL = "agente@demo.alrea.dev"
DEFAULT_PASSWORD = "Demo-Alrea-2026"  # passes the guessability check (services/passwords.py)
DEPARTMENTS = ("Atendimento", "Vendas")
# the demo company's plan (domain/catalogue.json), set through the operator's path after its sign-up: room for
# its three users, with the Sense add-on bought so every product can be tried (the Starter company below shows
# what a plan without a product looks like)
DEMO_PLAN = "professional"
DEMO_ADD_ONS = ("sense",)
# a second, smaller company on Starter: what a customer of the entry plan sees (locked modules, usage bars)
STARTER_COMPANY = "Demo Starter"
STARTER_EMAIL = "starter@demo.alrea.dev"


def demo_password() -> str:
    return os.environ.get("ALREA_DEMO_PASSWORD") or DEFAULT_PASSWORD


@dataclass(frozen=True)
class DemoLogin:
    role: str
    name: str
    email: str
    password: str


def demo_logins(password: str | None = None) -> list[DemoLogin]:
    password = password or demo_password()
    return [
        DemoLogin("admin", "Ana Admin", ADMIN_EMAIL, password),
        DemoLogin("manager", "Gustavo Gerente", MANAGER_EMAIL, password),
        DemoLogin("agent", "Alice Atendente", AGENT_EMAIL, password),
    ]


@dataclass(frozen=True)
class DemoTenant:
    tenant_id: str
    created: bool
    logins: list[DemoLogin]


def seed_demo(password: str | None = None) -> DemoTenant:
    from alrea.domain.roles import Principal
    from alrea.services import auth, departments, subscriptions, users
    from alrea.store import users as user_store

    logins = demo_logins(password)
    admin_login, manager_login, agent_login = logins
    seed_starter(admin_login.password)
    existing = user_store.find_by_email(admin_login.email)
    if existing is not None:
        logger.info("demo tenant already seeded", extra={"tenant_id": existing.tenant_id})
        return DemoTenant(existing.tenant_id, False, logins)

    # verified: the demo admin invites without a link (and the seed runs before the runtime's mail sink exists)
    signed = auth.signup(COMPANY, admin_login.name, admin_login.email, admin_login.password, verified=True)
    tenant_id, admin_id = signed.tenant.tenant_id, signed.user.user_id
    subscriptions.apply_subscription(tenant_id, DEMO_PLAN, list(DEMO_ADD_ONS))
    admin = Principal(tenant_id=tenant_id, user_id=admin_id, role="admin", name=admin_login.name,
                      email=admin_login.email)
    service, sales = (departments.create(admin, name) for name in DEPARTMENTS)
    for login in (manager_login, agent_login):
        users.create(admin, name=login.name, email=login.email, password=login.password, role=login.role,
                     department_id=service.department_id)
    logger.info("demo tenant seeded", extra={"tenant_id": tenant_id,
                                             "departments": [service.department_id, sales.department_id]})
    return DemoTenant(tenant_id, True, logins)


def seed_starter(password: str) -> str:
    """The Starter demo company (its admin only); idempotent. Answers its tenant id."""
    from alrea.services import auth, subscriptions
    from alrea.store import users as user_store

    existing = user_store.find_by_email(STARTER_EMAIL)
    if existing is not None:
        return existing.tenant_id
    signed = auth.signup(STARTER_COMPANY, "Sofia Starter", STARTER_EMAIL, password, verified=True)
    subscriptions.apply_subscription(signed.tenant.tenant_id, "starter")
    logger.info("starter demo tenant seeded", extra={"tenant_id": signed.tenant.tenant_id})
    return signed.tenant.tenant_id


DEMO_NUMBER_NAME = "Loja Demo"
DEMO_NUMBER_PHONE = "5511987650000"


def seed_demo_number(tenant_id: str, simulator) -> str | None:
    """Give the demo tenant a WhatsApp number that is already connected at the Evolution simulator.

    A new tenant gets it through the same instances service an admin uses (Evolution create, webhook with
    jwt_key), then the simulator "scans the QR" and posts connection.update open. After a restart against a
    persistent AWS endpoint the number exists in the store but not in the fresh simulator: it is registered
    there again with the stored webhook, already connected. Returns the instance's Evolution name.
    """
    from alrea.domain.roles import Principal
    from alrea.ports.whatsapp import WEBHOOK_EVENTS
    from alrea.services import instances as instance_service
    from alrea.store import instances as instance_store
    from alrea.store import users as user_store

    if simulator is None:
        return None
    existing = [i for i in instance_store.list_instances(tenant_id) if i.name == DEMO_NUMBER_NAME]
    if existing:
        instance = existing[0]
        if instance.evolution_name not in simulator.state.instances:
            simulator.add_instance(instance.evolution_name, instance_service.webhook_url(instance),
                                   {"jwt_key": instance.jwt_key}, list(WEBHOOK_EVENTS), connected=True,
                                   number=DEMO_NUMBER_PHONE, profile_name=DEMO_NUMBER_NAME)
        return instance.evolution_name
    admin = user_store.find_by_email(ADMIN_EMAIL)
    principal = Principal(tenant_id=tenant_id, user_id=admin.user_id, role="admin")
    instance = instance_service.create(principal, name=DEMO_NUMBER_NAME)
    simulator.state.scan(instance.evolution_name, number=DEMO_NUMBER_PHONE, profile_name=DEMO_NUMBER_NAME)
    logger.info("demo number connected", extra={"tenant_id": tenant_id, "instance": instance.evolution_name})
    return instance.evolution_name
