"""/api/departments: any user of the tenant lists and reads; admins create, rename and delete."""
from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from alrea.api.deps import AdminUser, CurrentUser
from alrea.api.routers.schemas import Body, DepartmentOut, Name, department_json, items_json
from alrea.services import departments

router = APIRouter(prefix="/api/departments", tags=["departments"])


class DepartmentIn(Body):
    name: Name


class DepartmentsOut(BaseModel):
    items: list[DepartmentOut]
    next_cursor: str | None = None


@router.get("", response_model=DepartmentsOut)
def list_departments(caller: CurrentUser) -> dict:
    return items_json(departments.list_all(caller), department_json)


@router.post("", status_code=201, response_model=DepartmentOut)
def create_department(body: DepartmentIn, caller: AdminUser) -> dict:
    return department_json(departments.create(caller, body.name))


@router.get("/{department_id}", response_model=DepartmentOut)
def get_department(department_id: str, caller: CurrentUser) -> dict:
    return department_json(departments.get(caller, department_id))


@router.patch("/{department_id}", response_model=DepartmentOut)
def rename_department(department_id: str, body: DepartmentIn, caller: AdminUser) -> dict:
    return department_json(departments.rename(caller, department_id, body.name))


@router.delete("/{department_id}", status_code=204, response_class=Response)
def delete_department(department_id: str, caller: AdminUser) -> Response:
    departments.delete(caller, department_id)
    return Response(status_code=204)
