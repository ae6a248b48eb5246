"""Dependencies of the partner API (``/v1``): the calling key, verified, scoped and rate limited.

``PartnerKey("numbers:read")`` authenticates ``Authorization: Bearer alr_live_…`` (or ``X-Api-Key``),
requires the scope, spends one request of the key's rate, puts the ``RateLimit-*`` headers on the answer and
requires the ``api`` product of the key's tenant (403 ``product_required`` without it).
The tenant comes only from the key; services see a tenant-wide principal named after the key.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from alrea.core.log import logger
from alrea.domain.api_keys import KeyPrincipal
from alrea.domain.roles import Principal, Role
from alrea.domain.plans import API
from alrea.services import api_keys, subscriptions
from alrea.store import idempotency

bearer = HTTPBearer(auto_error=False, description="A partner API key: alr_live_…")


class Error(BaseModel):
    """Every error answer: a stable code, a pt-BR message, and where it applies the field or the scope."""

    error: str
    message: str
    field: str | None = None
    scope: str | None = None
    product: str | None = None
    limit: str | None = None
    upgrade_to: str | None = None
    fields: list[dict[str, str]] | None = None


def _error(description: str) -> dict:
    return {"description": description, "model": Error}


# every /v1 answer besides the route's own success: documented, so a client (and the property-based run over
# /v1/openapi.json) knows each status it can get
RESPONSES: dict[int | str, dict] = {
    400: _error("The body is not valid JSON."),
    401: _error("No key, an unknown key or a revoked key."),
    402: _error("A plan limit is reached (`limit` names it, `upgrade_to` the plan that lifts it)."),
    403: _error("The key lacks the route's scope (named in `scope`), or the tenant's plan lacks the API "
                "product (`error` = `product_required`)."),
    404: _error("Not found in the key's tenant."),
    413: _error("The body is too large."),
    422: _error("The request is invalid (`fields` names each problem)."),
    429: _error("Past the key's rate: wait `Retry-After` seconds."),
}


def partner_key(scope: str) -> Callable[..., KeyPrincipal]:
    def check(response: Response,
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
              x_api_key: Annotated[str | None, Header(max_length=200)] = None) -> KeyPrincipal:
        secret = credentials.credentials if credentials else x_api_key
        key, rate = api_keys.authenticate(secret, scope)
        logger.append_keys(tenant_id=key.tenant_id, api_key_id=key.key_id)
        response.headers.update(rate.headers())
        subscriptions.require_cached(key.tenant_id, API)  # the plan (or an add-on) must give the API
        return key

    check.scope = scope  # type: ignore[attr-defined] - read by the /v1 document (routers/v1_docs.py)
    return check


def as_principal(key: KeyPrincipal) -> Principal:
    """The tenant-wide principal the services act for when a key calls (its scope was already checked)."""
    return Principal(tenant_id=key.tenant_id, user_id=f"apikey:{key.key_id}", role=Role.ADMIN.value,
                     name=f"API: {key.name}")


IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", min_length=1, max_length=255)]


def idempotent(key: KeyPrincipal, idempotency_key: str | None, route: str, body: Any,
               work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """A ``/v1`` POST's answer: ``work()`` once per ``Idempotency-Key`` (store/idempotency.py), or plainly when
    the request carries none. ``route`` names the operation and its path ids, so a key never crosses them."""
    if not idempotency_key:
        return work()
    answer, _ = idempotency.once(key.tenant_id, key.key_id, idempotency_key, route, body, work)
    return answer


def PartnerKey(scope: str):  # noqa: N802 - reads as a type in route signatures
    return Annotated[KeyPrincipal, Depends(partner_key(scope))]
