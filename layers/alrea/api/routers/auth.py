"""/api/auth: signup, login, rotating refresh, logout; the public ends of the e-mailed links (forgot/reset
password, e-mail verification, invitation preview/acceptance) and the SPA's options (the dev mail sink)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, EmailStr, StringConstraints

from alrea.api.routers.schemas import Body, Name, Password, TenantOut, UserOut, tenant_json, user_json
from alrea.core.config import get_settings
from alrea.domain.account_links import MAX_TOKEN_LEN
from alrea.services import auth, credentials, invitations

router = APIRouter(prefix="/api/auth", tags=["auth"])
Token = Annotated[str, StringConstraints(min_length=1, max_length=4096)]
LinkToken = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TOKEN_LEN)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)]
DEV_MAIL_PATH = "/dev/mail"  # served by the local gateway only (alrea/local/mailbox.py)


def client_ip(request: Request) -> str | None:
    """The caller's address as the transport saw it: API Gateway's ``requestContext.identity.sourceIp`` under
    Mangum, the socket's peer locally. Never X-Forwarded-For, which a client can write itself."""
    return request.client.host if request.client else None


class SignupIn(Body):
    company: Name
    name: Name
    email: EmailStr
    password: Password


class LoginIn(Body):
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)]
    password: Password


class RefreshIn(Body):
    refresh: Token


class TokensOut(BaseModel):
    access: str
    refresh: str


class SignupOut(TokensOut):
    tenant: TenantOut
    user: UserOut


@router.post("/signup", status_code=201, response_model=SignupOut)
def signup(body: SignupIn, request: Request) -> dict:
    done = auth.signup(body.company, body.name, str(body.email), body.password, ip=client_ip(request))
    return {"tenant": tenant_json(done.tenant), "user": user_json(done.user), **done.tokens.as_dict()}


@router.post("/login", response_model=TokensOut)
def login(body: LoginIn, request: Request) -> dict:
    return auth.login(body.email, body.password, ip=client_ip(request)).as_dict()


@router.post("/refresh", response_model=TokensOut)
def refresh(body: RefreshIn) -> dict:
    return auth.refresh(body.refresh).as_dict()


@router.post("/logout", status_code=204, response_class=Response)
def logout(body: RefreshIn) -> Response:
    auth.logout(body.refresh)
    return Response(status_code=204)


# ---------------------------------------------------------------- e-mailed links (public)
class ForgotIn(Body):
    email: Email


class MessageOut(BaseModel):
    message: str


class ResetIn(Body):
    token: LinkToken
    password: Password


class LinkIn(Body):
    token: LinkToken


class InvitationPreviewOut(BaseModel):
    company: str
    name: str
    email: str
    role: str


class AcceptIn(Body):
    token: LinkToken
    password: Password


@router.post("/password/forgot", status_code=202, response_model=MessageOut)
def forgot_password(body: ForgotIn, request: Request) -> dict:
    """The same 202 whether the address has an account or not."""
    return {"message": credentials.forgot_password(body.email, ip=client_ip(request))}


@router.post("/password/reset", status_code=204, response_class=Response)
def reset_password(body: ResetIn, request: Request) -> Response:
    credentials.reset_password(body.token, body.password, ip=client_ip(request))
    return Response(status_code=204)


@router.post("/email/verify", status_code=204, response_class=Response)
def verify_email(body: LinkIn, request: Request) -> Response:
    credentials.verify_email(body.token, ip=client_ip(request))
    return Response(status_code=204)


@router.post("/invitations/preview", response_model=InvitationPreviewOut)
def preview_invitation(body: LinkIn, request: Request) -> dict:
    found = invitations.preview(body.token, ip=client_ip(request))
    return {"company": found.company, "name": found.name, "email": found.email, "role": found.role}


@router.post("/invitations/accept", response_model=TokensOut)
def accept_invitation(body: AcceptIn, request: Request) -> dict:
    return invitations.accept(body.token, body.password, ip=client_ip(request)).as_dict()


class OptionsOut(BaseModel):
    mail_sink_url: str | None = None  # the local mail sink's inbox (alrea dev only)


@router.get("/options", response_model=OptionsOut)
def options() -> dict:
    """What the SPA adapts to before anyone logs in: the dev mail sink's page when e-mail goes to the sink."""
    settings = get_settings()
    return {"mail_sink_url": DEV_MAIL_PATH if settings.email_backend == "sink" and settings.is_local else None}
