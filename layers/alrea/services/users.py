"""Users of a tenant (admin only at the API): create, list, change, deactivate, activate.

Every function takes the caller's Principal; ids are looked up under the caller's tenant only, so another
tenant's id is simply not found.
"""
from __future__ import annotations

from alrea.core.clock import new_id
from alrea.core.errors import Forbidden, Invalid, NotFound
from alrea.domain.accounts import Tenant, User
from alrea.domain.roles import ROLES, Principal, needs_department
from alrea.services import passwords, realtime
from alrea.store import departments as dept_store
from alrea.store import users as store
from alrea.store.tenants import get_tenant

UNSET = object()


def check_role(role: str) -> None:
    if role not in ROLES:
        raise Invalid(f"Papel inválido; use um de: {', '.join(ROLES)}.", field="role")


def check_department(caller: Principal, role: str, department_id: str | None) -> None:
    if needs_department(role) and not department_id:
        raise Invalid("Gerentes e atendentes precisam de um departamento.", field="department_id")
    if department_id:
        try:
            dept_store.get_department(caller.tenant_id, department_id)
        except NotFound as exc:  # a field error, not a missing route
            raise Invalid("Departamento não encontrado.", field="department_id") from exc


def create(caller: Principal, *, name: str, email: str, password: str, role: str,
           department_id: str | None) -> User:
    check_role(role)
    check_department(caller, role, department_id)
    password_hash = passwords.hash_password(password, passwords.words_of(email, name))
    user = store.new_user(caller.tenant_id, new_id(), name=name, email=email, password_hash=password_hash,
                          role=role, department_id=department_id)
    store.add_user(user)  # the transaction re-checks the department and the plan limit atomically
    return user


def me(caller: Principal) -> tuple[User, Tenant]:
    """The caller and their tenant (plan, limits, usage) — what the SPA loads first."""
    return store.get_user(caller.tenant_id, caller.user_id), get_tenant(caller.tenant_id)


def list_all(caller: Principal) -> list[User]:
    return store.list_users(caller.tenant_id)


def get(caller: Principal, user_id: str) -> User:
    return store.get_user(caller.tenant_id, user_id)


def update(caller: Principal, user_id: str, *, name: str | None = None, role: str | None = None,
           department_id: object = UNSET) -> User:
    current = store.get_user(caller.tenant_id, user_id)
    new_role = role if role is not None else current.role
    new_dept = current.department_id if department_id is UNSET else department_id
    check_role(new_role)
    if user_id == caller.user_id and new_role != current.role:
        raise Forbidden("Você não pode alterar o seu próprio papel.")
    if new_dept != current.department_id or new_role != current.role:
        check_department(caller, new_role, new_dept)  # type: ignore[arg-type]
    changed = store.change_user(current, name=name if name is not None else current.name, role=new_role,
                                department_id=new_dept)  # type: ignore[arg-type]
    if new_dept != current.department_id or new_role != current.role:
        realtime.drop_user(caller.tenant_id, user_id)  # its sockets' groups belong to the old role
    return changed


def deactivate(caller: Principal, user_id: str) -> User:
    current = store.get_user(caller.tenant_id, user_id)
    if user_id == caller.user_id:
        raise Forbidden("Você não pode desativar a si mesmo.")
    changed = store.set_active(current, False)
    realtime.drop_user(caller.tenant_id, user_id)  # an open WebSocket must not keep receiving
    return changed


def activate(caller: Principal, user_id: str) -> User:
    current = store.get_user(caller.tenant_id, user_id)
    return store.set_active(current, True)
