"""/api/auth: signup, login, rotating refresh, logout."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, EmailStr, StringConstraints

from alrea.api.routers.schemas import Body, Name, Password, TenantOut, UserOut, tenant_json, user_json
from alrea.services import auth

router = APIRouter(prefix="/api/auth", tags=["auth"])
Token = Annotated[str, StringConstraints(min_length=1, max_length=4096)]


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
