"""Shared request/response pieces of the routers (pydantic)."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Password = Annotated[str, StringConstraints(max_length=256)]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class Body(BaseModel):
    """Request bodies: unknown fields are refused, so a typo is an error instead of being ignored."""

    model_config = ConfigDict(extra="forbid")


class UserOut(BaseModel):
    id: str
    name: str
    email: str
    role: str
    department_id: str | None = None
    active: bool
    away: bool = False
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
