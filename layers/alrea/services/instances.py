"""WhatsApp numbers (Evolution instances) of a tenant: create, list, connect (QR), state, logout, delete.

Every function takes the caller's Principal and looks ids up under the caller's tenant only, so another
tenant's id is simply not found (404).

Create stores the instance (and its webhook pointers) BEFORE asking Evolution to create it: Evolution posts
``qrcode.updated`` right away, and the webhook must already find the tenant from the URL's token. If
Evolution refuses, the stored instance is removed again.

Evolution failures never reach the user as a 500: they become ``WhatsAppGatewayError`` (502) or a clear 4xx.
"""
from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from alrea.core.clock import iso, new_id, utcnow
from alrea.core.config import get_settings
from alrea.core.errors import Conflict, DomainError, Invalid, NotFound
from alrea.core.log import logger
from alrea.domain.instances import STATES, Instance
from alrea.domain.phones import from_jid
from alrea.domain.plans import limit_reached
from alrea.domain.roles import Principal
from alrea.ports import whatsapp as wa
from alrea.store import instances as store
from alrea.store.tenants import get_tenant

MAX_NAME = 60
WEBHOOK_PATH = "/webhooks/evolution/"


class WhatsAppGatewayError(DomainError):
    """Evolution API failed or is unreachable: the user can only try again later (502)."""

    status = 502
    code = "evolution_unavailable"


@dataclass(frozen=True)
class QrAnswer:
    state: str  # "open" (nothing to scan) or "connecting"
    code: str | None = None
    base64: str | None = None
    pairing_code: str | None = None


def _whatsapp() -> wa.WhatsApp:
    from alrea.wiring import runtime

    return runtime().whatsapp


def webhook_url(instance: Instance) -> str:
    return get_settings().public_base_url.rstrip("/") + WEBHOOK_PATH + instance.webhook_token


def evolution_name_for(tenant_id: str, name: str) -> str:
    """Globally unique at Evolution: tenant prefix + slug + random suffix (``t1a2b3c4d-vendas-9f3e2a``)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:24].strip("-") or "numero"
    return f"t{tenant_id.replace('-', '')[:8]}-{slug}-{secrets.token_hex(3)}"


def _gateway_error(exc: wa.WhatsAppError, action: str) -> DomainError:
    logger.warning("evolution call failed", extra={"action": action, "error": exc.__class__.__name__,
                                                   "detail": exc.message, "status": exc.status})
    if isinstance(exc, wa.InstanceNotFound):
        return Conflict("Este número não existe mais na Evolution API; remova-o e crie novamente.")
    if isinstance(exc, wa.Unauthorized):
        return WhatsAppGatewayError("A Evolution API recusou a chave de acesso configurada; "
                                    "contate o suporte.")
    if isinstance(exc, wa.ConnectionClosed):
        return WhatsAppGatewayError("A conexão deste número com o WhatsApp está fechada; conecte-o de novo.")
    if isinstance(exc, wa.EvolutionUnavailable | wa.SendOutcomeUnknown):
        return WhatsAppGatewayError("Evolution API indisponível; tente novamente em instantes.")
    return WhatsAppGatewayError(f"A Evolution API recusou a operação ({action}): {exc.message}")


# ---------------------------------------------------------------- commands
def create(caller: Principal, *, name: str, whatsapp: wa.WhatsApp | None = None) -> Instance:
    display = " ".join((name or "").split())
    if not display:
        raise Invalid("Informe um nome para o número.", field="name")
    if len(display) > MAX_NAME:
        raise Invalid(f"O nome deve ter no máximo {MAX_NAME} caracteres.", field="name")
    tenant_id = caller.tenant_id
    tenant = get_tenant(tenant_id)  # NotFound if the tenant is gone
    max_numbers = tenant.limits.max_numbers
    refusal = limit_reached(tenant.plan, "max_numbers", max_numbers) if max_numbers is not None else None
    now = iso(utcnow())
    instance = Instance(tenant_id=tenant_id, instance_id=new_id(), name=display,
                        evolution_name=evolution_name_for(tenant_id, display),
                        webhook_token=secrets.token_urlsafe(32), jwt_key=secrets.token_urlsafe(48),
                        state="close", created_at=now, updated_at=now)
    store.create(instance, max_numbers=max_numbers, limit_message=refusal.message if refusal else "",
                 upgrade_to=refusal.details.get("upgrade_to") if refusal else None)
    client = whatsapp or _whatsapp()
    try:
        created = client.create_instance(instance.evolution_name, webhook_url(instance),
                                         {"jwt_key": instance.jwt_key}, list(wa.WEBHOOK_EVENTS), by_events=False)
    except wa.InstanceNameTaken:
        # only possible when an earlier try of this very create reached Evolution: make its webhook ours
        try:
            client.set_webhook(instance.evolution_name, webhook_url(instance), {"jwt_key": instance.jwt_key},
                               list(wa.WEBHOOK_EVENTS))
        except wa.WhatsAppError as exc:
            _undo_create(instance)
            raise _gateway_error(exc, "create") from exc
        return instance
    except wa.WhatsAppError as exc:
        _undo_create(instance)
        raise _gateway_error(exc, "create") from exc
    state = created.status if created.status in STATES else "connecting"
    logger.info("instance created", extra={"tenant_id": tenant_id, "instance_id": instance.instance_id,
                                           "evolution_name": instance.evolution_name})
    try:
        return store.update_state(tenant_id, instance.instance_id, state)
    except NotFound:  # deleted meanwhile
        return instance


def _undo_create(instance: Instance) -> None:
    try:
        store.delete(instance.tenant_id, instance.instance_id)
    except DomainError:
        logger.exception("could not undo the instance create", extra={"instance_id": instance.instance_id})


def list_all(caller: Principal) -> list[Instance]:
    return store.list_instances(caller.tenant_id)


def get(caller: Principal, instance_id: str) -> Instance:
    return store.get(caller.tenant_id, instance_id)


def qrcode(caller: Principal, instance_id: str, *, number: str | None = None,
           whatsapp: wa.WhatsApp | None = None) -> QrAnswer:
    """Start/continue the login: a QR to scan (or a pairing code for ``number``); "open" when connected."""
    instance = store.get(caller.tenant_id, instance_id)
    try:
        result = (whatsapp or _whatsapp()).connect(instance.evolution_name, number)
    except wa.WhatsAppError as exc:
        raise _gateway_error(exc, "connect") from exc
    state = "open" if result.state == "open" else "connecting"
    if state != instance.state:
        store.update_state(caller.tenant_id, instance_id, state)
    qr = result.qr
    return QrAnswer(state=state, code=qr.code if qr else None, base64=qr.base64 if qr else None,
                    pairing_code=qr.pairing_code if qr else None)


def refresh_state(caller: Principal, instance_id: str, *, whatsapp: wa.WhatsApp | None = None) -> Instance:
    """Ask Evolution for the connection state and store it."""
    instance = store.get(caller.tenant_id, instance_id)
    try:
        state = (whatsapp or _whatsapp()).connection_state(instance.evolution_name)
    except wa.WhatsAppError as exc:
        raise _gateway_error(exc, "connectionState") from exc
    if state not in STATES:
        return instance
    return store.update_state(caller.tenant_id, instance_id, state)


def logout(caller: Principal, instance_id: str, *, whatsapp: wa.WhatsApp | None = None) -> Instance:
    instance = store.get(caller.tenant_id, instance_id)
    try:
        (whatsapp or _whatsapp()).logout(instance.evolution_name)
    except wa.BadRequest:
        pass  # Evolution answers 400 when the instance is already logged out: the goal is reached
    except wa.WhatsAppError as exc:
        raise _gateway_error(exc, "logout") from exc
    return store.update_state(caller.tenant_id, instance_id, "close")


def delete(caller: Principal, instance_id: str, *, whatsapp: wa.WhatsApp | None = None) -> None:
    instance = store.get(caller.tenant_id, instance_id)
    try:
        (whatsapp or _whatsapp()).delete_instance(instance.evolution_name)
    except wa.InstanceNotFound:
        pass  # already gone at Evolution
    except wa.WhatsAppError as exc:
        raise _gateway_error(exc, "delete") from exc
    store.delete(caller.tenant_id, instance_id)
    logger.info("instance deleted", extra={"tenant_id": caller.tenant_id, "instance_id": instance_id})


def phone_of(wuid: str | None) -> str | None:
    """E.164 of the connected account's JID (for callers that store connection.update data)."""
    return from_jid(wuid)
