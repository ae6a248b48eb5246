"""Departments: ``pk=T#<tid> sk=DEPT#<did>`` — name and ``members_count``.

``members_count`` counts the users placed in the department (active or not). It moves in the same transaction
that places or moves a user, and a department is deleted only on the condition ``members_count = 0``.
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError

from alrea.core.clock import iso, utcnow
from alrea.core.errors import Conflict, NotFound
from alrea.domain.accounts import Department as DepartmentData
from alrea.store.base import Item, as_domain
from alrea.store.keys import tenant_pk

SK_PREFIX = "DEPT#"
NOT_FOUND = "Departamento não encontrado."


class Department(Item):
    department_id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    members_count = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, department_id: str) -> tuple[str, str]:
        return tenant_pk(tenant_id), SK_PREFIX + department_id

    @classmethod
    def ref(cls, tenant_id: str, department_id: str) -> Department:
        """A key-only instance, for transactions."""
        return cls(*cls.key(tenant_id, department_id))

    def domain(self) -> DepartmentData:
        return as_domain(DepartmentData, self, members_count=int(self.members_count or 0))


def get_department(tenant_id: str, department_id: str) -> DepartmentData:
    try:
        return Department.get(*Department.key(tenant_id, department_id), consistent_read=True).domain()
    except DoesNotExist:
        raise NotFound(NOT_FOUND) from None


def list_departments(tenant_id: str) -> list[DepartmentData]:
    items = Department.query(tenant_pk(tenant_id), Department.sk.startswith(SK_PREFIX), consistent_read=True)
    return sorted((d.domain() for d in items), key=lambda d: d.name.lower())


def create_department(tenant_id: str, department_id: str, name: str) -> DepartmentData:
    dept = Department(*Department.key(tenant_id, department_id), entity="department",
                      department_id=department_id, tenant_id=tenant_id, name=name, members_count=0,
                      created_at=iso(utcnow()))
    try:
        dept.save(condition=Department.pk.does_not_exist())
    except PutError as exc:
        raise Conflict("Departamento já existe.") from exc
    return dept.domain()


def rename_department(tenant_id: str, department_id: str, name: str) -> DepartmentData:
    dept = Department.ref(tenant_id, department_id)
    try:
        dept.update(actions=[Department.name.set(name), Department.updated_at.set(iso(utcnow()))],
                    condition=Department.pk.exists())
    except UpdateError:
        raise NotFound(NOT_FOUND) from None
    return get_department(tenant_id, department_id)


def delete_department(tenant_id: str, department_id: str) -> None:
    dept = Department.ref(tenant_id, department_id)
    try:
        dept.delete(condition=Department.pk.exists() & (Department.members_count == 0))
    except DeleteError:
        current = get_department(tenant_id, department_id)  # NotFound when it is gone
        raise Conflict(
            f"O departamento tem {int(current.members_count or 0)} usuário(s); mova-os antes de excluí-lo.",
        ) from None
