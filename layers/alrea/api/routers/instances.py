"""/api/instances: the tenant's WhatsApp numbers. Admins create, connect, log out and delete; everyone reads."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from alrea.api.deps import AdminUser, CurrentUser
from alrea.api.routers.schemas import instance_json, items_json
from alrea.domain.instances import Instance
from alrea.domain.roles import Principal
from alrea.services import instances as service

router = APIRouter(prefix="/api/instances", tags=["instances"])


def public(instance: Instance, caller: Principal) -> dict[str, Any]:
    """The API's view: never the jwt_key; the webhook URL (its token authenticates Evolution's webhooks) only
    for admins to inspect."""
    return instance_json(instance, service.webhook_url(instance) if caller.is_admin else None)


class InstanceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=service.MAX_NAME)


@router.post("", status_code=201)
def create_instance(body: InstanceCreate, user: AdminUser) -> dict[str, Any]:
    return public(service.create(user, name=body.name), user)


class InstanceChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    default_department_id: str | None = Field(default=None, max_length=64)


@router.put("/{instance_id}")
def change_instance(instance_id: str, body: InstanceChange, user: AdminUser) -> dict[str, Any]:
    from alrea.services import inbox

    return public(inbox.set_instance_department(user, instance_id, body.default_department_id), user)


@router.get("")
def list_instances(user: CurrentUser) -> dict[str, Any]:
    return items_json(service.list_all(user), lambda i: public(i, user))


@router.get("/{instance_id}")
def get_instance(instance_id: str, user: CurrentUser) -> dict[str, Any]:
    return public(service.get(user, instance_id), user)


@router.get("/{instance_id}/qrcode")
def get_qrcode(instance_id: str, user: AdminUser,
               number: str | None = Query(default=None, pattern=r"^\+?\d{10,15}$")) -> dict[str, Any]:
    digits = number.lstrip("+") if number else None
    qr = service.qrcode(user, instance_id, number=digits)
    return {"state": qr.state, "code": qr.code, "base64": qr.base64, "pairing_code": qr.pairing_code}


@router.get("/{instance_id}/state")
def get_state(instance_id: str, user: CurrentUser) -> dict[str, Any]:
    return public(service.refresh_state(user, instance_id), user)


@router.post("/{instance_id}/logout")
def logout_instance(instance_id: str, user: AdminUser) -> dict[str, Any]:
    return public(service.logout(user, instance_id), user)


@router.delete("/{instance_id}", status_code=204)
def delete_instance(instance_id: str, user: AdminUser) -> Response:
    service.delete(user, instance_id)
    return Response(status_code=204)
