"""The caller's own credentials: change password (POST /api/me/password) and re-send the sign-up verification
e-mail (POST /api/me/email-verification)."""
from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from alrea.api.deps import CurrentUser
from alrea.api.routers.schemas import Body, Password
from alrea.services import credentials

router = APIRouter(prefix="/api/me", tags=["me"])


class PasswordIn(Body):
    current_password: Password
    new_password: Password


class TokensOut(BaseModel):
    access: str
    refresh: str


@router.post("/password", response_model=TokensOut)
def change_password(body: PasswordIn, caller: CurrentUser) -> dict:
    """Every earlier session ends (this one too); the answer is the caller's new session."""
    return credentials.change_password(caller, body.current_password, body.new_password).as_dict()


@router.post("/email-verification", status_code=202, response_class=Response)
def resend_verification(caller: CurrentUser) -> Response:
    credentials.resend_verification(caller)
    return Response(status_code=202)
