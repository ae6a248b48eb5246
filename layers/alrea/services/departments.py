"""Departments of a tenant: any user lists them; admins create, rename and delete (not while occupied)."""
from __future__ import annotations

from alrea.core.clock import new_id
from alrea.domain.accounts import Department
from alrea.domain.roles import Principal
from alrea.store import departments as store


def list_all(caller: Principal) -> list[Department]:
    return store.list_departments(caller.tenant_id)


def get(caller: Principal, department_id: str) -> Department:
    return store.get_department(caller.tenant_id, department_id)


def create(caller: Principal, name: str) -> Department:
    return store.create_department(caller.tenant_id, new_id(), name)


def rename(caller: Principal, department_id: str, name: str) -> Department:
    return store.rename_department(caller.tenant_id, department_id, name)


def delete(caller: Principal, department_id: str) -> None:
    store.delete_department(caller.tenant_id, department_id)
