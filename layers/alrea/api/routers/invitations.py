"""/api/invitations (admins): invite by e-mail, list pending, resend, cancel. The invited person accepts at
/api/auth/invitations/accept."""
from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, EmailStr

from alrea.api.deps import AdminUser
from alrea.api.routers.schemas import Body, Id, Name, items_json
from alrea.domain.accounts import Invitation
from alrea.services import invitations

router = APIRouter(prefix="/api/invitations", tags=["users"])
RoleName = Literal["admin", "manager", "agent"]


class InviteIn(Body):
    name: Name
    email: EmailStr
    role: RoleName
    department_id: Id | None = None


class InvitationOut(BaseModel):
    id: str
    name: str
    email: str
    role: str
    department_id: str | None = None
    invited_by: str
    created_at: str
    expires_at: int
    sent: bool | None = None  # on create/resend: whether the e-mail left


class InvitationsOut(BaseModel):
    items: list[InvitationOut]
    next_cursor: str | None = None


def invitation_json(i: Invitation, sent: bool | None = None) -> dict[str, Any]:
    view = {"id": i.invitation_id, "name": i.name, "email": i.email, "role": i.role,
            "department_id": i.department_id, "invited_by": i.invited_by, "created_at": i.created_at,
            "expires_at": i.expires_at}
    if sent is not None:
        view["sent"] = sent
    return view


@router.post("", status_code=201, response_model=InvitationOut, response_model_exclude_none=True)
def invite(body: InviteIn, caller: AdminUser) -> dict:
    done = invitations.invite(caller, name=body.name, email=str(body.email), role=body.role,
                              department_id=body.department_id)
    return invitation_json(done.invitation, done.sent)


@router.get("", response_model=InvitationsOut)
def list_invitations(caller: AdminUser) -> dict:
    return items_json(invitations.pending(caller), invitation_json)


@router.post("/{invitation_id}/resend", response_model=InvitationOut, response_model_exclude_none=True)
def resend(invitation_id: str, caller: AdminUser) -> dict:
    done = invitations.resend(caller, invitation_id)
    return invitation_json(done.invitation, done.sent)


@router.delete("/{invitation_id}", status_code=204, response_class=Response)
def cancel(invitation_id: str, caller: AdminUser) -> Response:
    invitations.cancel(caller, invitation_id)
    return Response(status_code=204)
