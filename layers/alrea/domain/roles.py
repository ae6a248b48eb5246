"""Roles and what each may see.

admin: the whole tenant. manager: their own department. agent: their own items (conversations assigned to
them). Every check takes the caller's tenant from the verified token; these rules only narrow within it.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    AGENT = "agent"


ROLES: tuple[str, ...] = tuple(r.value for r in Role)

# roles that must belong to a department (an admin may, but need not)
NEEDS_DEPARTMENT = frozenset({Role.MANAGER, Role.AGENT})


def needs_department(role: str) -> bool:
    return Role(role) in NEEDS_DEPARTMENT


@dataclass(frozen=True)
class Principal:
    """Who is calling: tenant and user from the verified token, role and department from the stored user."""

    tenant_id: str
    user_id: str
    role: str
    department_id: str | None = None
    name: str = ""
    email: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def can_see_department(self, department_id: str | None) -> bool:
        """admin: any department of the tenant; manager/agent: only their own."""
        return self.is_admin or (department_id is not None and department_id == self.department_id)

    def can_see_agent_item(self, owner_user_id: str | None, department_id: str | None) -> bool:
        """An item owned by an agent (e.g. an assigned conversation)."""
        if self.is_admin:
            return True
        if self.is_manager:
            return self.can_see_department(department_id)
        return owner_user_id == self.user_id
