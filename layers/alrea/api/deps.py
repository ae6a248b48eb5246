"""Dependencies every router reuses: who is calling, and which roles may call.

The tenant ALWAYS comes from the verified access token; role and department from the stored user (so a
demotion or a deactivation applies at once). Routers take ``CurrentUser`` / ``AdminUser`` or
``Depends(require_role(...))``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from alrea.core.errors import Forbidden, Unauthorized
from alrea.core.log import logger
from alrea.domain.roles import Principal, Role
from alrea.services import auth

bearer = HTTPBearer(auto_error=False, description="Access token from /api/auth/login")


def current_user(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
    if credentials is None or not credentials.credentials:
        raise Unauthorized("Autenticação necessária: envie o token de acesso (Authorization: Bearer ...).")
    principal = auth.principal(credentials.credentials)
    logger.append_keys(tenant_id=principal.tenant_id, user_id=principal.user_id)
    return principal


def require_role(*roles: str) -> Callable[[Principal], Principal]:
    """``Depends(require_role("admin"))`` / ``require_role("admin", "manager")``."""
    allowed = {Role(r).value for r in roles}

    def check(user: Annotated[Principal, Depends(current_user)]) -> Principal:
        if user.role not in allowed:
            raise Forbidden("Você não tem permissão para esta ação.")
        return user

    return check


def require_product(product: str) -> Callable[[Principal], None]:
    """``Depends(require_product("flow"))``: 403 ``product_required`` when the caller's tenant lacks the
    product (its plan's or an add-on). Routers do not add it themselves: the app adds it to every route of a
    module listed in ``api/routers/__init__.PRODUCTS``."""
    from alrea.services import subscriptions

    def gate(user: Annotated[Principal, Depends(current_user)]) -> None:
        subscriptions.require(user.tenant_id, product)

    gate.product = product  # type: ignore[attr-defined] - read by the routing tests
    return gate


CurrentUser = Annotated[Principal, Depends(current_user)]
AdminUser = Annotated[Principal, Depends(require_role(Role.ADMIN))]
ManagerOrAdmin = Annotated[Principal, Depends(require_role(Role.ADMIN, Role.MANAGER))]
