"""/api/users (admin only): create, list, read, change, deactivate, activate."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, EmailStr

from alrea.api.deps import AdminUser
from alrea.api.routers.schemas import Body, Id, Name, Password, UserOut, items_json, user_json
from alrea.services import users

router = APIRouter(prefix="/api/users", tags=["users"])
RoleName = Literal["admin", "manager", "agent"]


class UserIn(Body):
    name: Name
    email: EmailStr
    password: Password
    role: RoleName
    department_id: Id | None = None


class UserPatch(Body):
    name: Name | None = None
    role: RoleName | None = None
    department_id: Id | None = None


class UsersOut(BaseModel):
    items: list[UserOut]
    next_cursor: str | None = None


@router.post("", status_code=201, response_model=UserOut)
def create_user(body: UserIn, caller: AdminUser) -> dict:
    return user_json(users.create(caller, name=body.name, email=str(body.email), password=body.password, role=body.role,
                        department_id=body.department_id))


@router.get("", response_model=UsersOut)
def list_users(caller: AdminUser) -> dict:
    return items_json(users.list_all(caller), user_json)


@router.get("/{user_id}", response_model=UserOut)
def get_user(user_id: str, caller: AdminUser) -> dict:
    return user_json(users.get(caller, user_id))


@router.patch("/{user_id}", response_model=UserOut)
def update_user(user_id: str, body: UserPatch, caller: AdminUser) -> dict:
    changes: dict = {"name": body.name, "role": body.role}
    if "department_id" in body.model_fields_set:  # explicit null removes the department
        changes["department_id"] = body.department_id
    return user_json(users.update(caller, user_id, **changes))


@router.post("/{user_id}/deactivate", response_model=UserOut)
def deactivate_user(user_id: str, caller: AdminUser) -> dict:
    return user_json(users.deactivate(caller, user_id))


@router.post("/{user_id}/activate", response_model=UserOut)
def activate_user(user_id: str, caller: AdminUser) -> dict:
    return user_json(users.activate(caller, user_id))
