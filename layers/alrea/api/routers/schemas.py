"""Shared request/response pieces of the routers (pydantic)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

from alrea.domain import accounts
from alrea.domain.instances import Instance

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Password = Annotated[str, StringConstraints(max_length=256)]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class Body(BaseModel):
    """Request bodies: unknown fields are refused, so a typo is an error instead of being ignored."""

    model_config = ConfigDict(extra="forbid")


def examples(*bodies: dict[str, Any]) -> ConfigDict:
    """A body model's documented examples (``model_config = examples({...})``; pydantic merges it with
    Body's config). The partner API's reference shows them (routers/v1_docs.py)."""
    return ConfigDict(json_schema_extra={"examples": list(bodies)})


class UserOut(BaseModel):
    id: str
    name: str
    email: str
    role: str
    department_id: str | None = None
    active: bool
    away: bool = False
    email_verified: bool = True
    created_at: str
    updated_at: str | None = None


class TenantOut(BaseModel):
    id: str
    name: str
    plan: str
    limits: dict[str, int]
    usage: dict[str, int]
    timezone: str
    country: str
    created_at: str


class DepartmentOut(BaseModel):
    id: str
    name: str
    members_count: int
    created_at: str
    updated_at: str | None = None


# ---------------------------------------------------------------- JSON shapes of the domain types
# The API shapes its own answers: the store returns domain types (alrea.domain), these turn them into the
# JSON the SPA reads (unchanged field names and values).
def tenant_json(t: accounts.Tenant) -> dict[str, Any]:
    return {"id": t.tenant_id, "name": t.name, "plan": t.plan, "limits": t.limits_dict(),
            "usage": {"users": int(t.users_count or 0)}, "timezone": t.timezone, "country": t.country,
            "created_at": t.created_at}


def user_json(u: accounts.User) -> dict[str, Any]:
    return {"id": u.user_id, "name": u.name, "email": u.email, "role": u.role, "department_id": u.department_id,
            "active": bool(u.active), "away": bool(u.away), "email_verified": bool(u.email_verified),
            "created_at": u.created_at, "updated_at": u.updated_at}


def department_json(d: accounts.Department) -> dict[str, Any]:
    return {"id": d.department_id, "name": d.name, "members_count": int(d.members_count or 0),
            "created_at": d.created_at, "updated_at": d.updated_at}


def quick_reply_json(q: accounts.QuickReply) -> dict[str, Any]:
    return {"id": q.id, "shortcut": q.shortcut, "text": q.text, "created_at": q.created_at,
            "updated_at": q.updated_at}


def items_json(items: Iterable[Any], shape: Callable[[Any], Any], next_cursor: str | None = None
               ) -> dict[str, Any]:
    """The one list shape: ``{"items": [...], "next_cursor": ...}`` (None: the list is complete)."""
    return {"items": [shape(i) for i in items], "next_cursor": next_cursor}


def instance_json(i: Instance, webhook_url: str | None = None) -> dict[str, Any]:
    """A WhatsApp number: never its jwt_key; ``webhook_url`` (its token authenticates Evolution's webhooks)
    only when given (admins)."""
    view = {"id": i.instance_id, "name": i.name, "evolution_name": i.evolution_name, "state": i.state,
            "phone": i.phone, "wuid": i.wuid, "profile_name": i.profile_name, "created_at": i.created_at,
            "updated_at": i.updated_at, "default_department_id": i.default_department_id}
    if webhook_url is not None:
        view["webhook_url"] = webhook_url
    return view
