"""Instances (the tenant's WhatsApp numbers) and the pointers webhooks use to find them.

Items:
- instance        ``pk=T#<tid>            sk=INST#<iid>``  name, evolution_name, webhook_token, jwt_key, state, ...
- token pointer   ``pk=HOOK#<token>       sk=HOOK``        tenant_id, instance_id: the webhook URL carries the
                                                           token, so ingest finds the tenant with one GetItem
- name pointer    ``pk=EVO#<evo name>     sk=EVO``         tenant_id, instance_id: the envelope's ``instance``
- counter         ``pk=T#<tid>            sk=INSTCOUNT``   count of the tenant's instances

Create and delete are ONE TransactWrite over the instance, both pointers and the counter; the counter's
update is conditioned on ``count < max_numbers`` so the plan limit holds under concurrent creates.
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError

from alrea.core.clock import iso, utcnow
from alrea.core.errors import Conflict, LimitReached, NotFound
from alrea.domain.instances import STATES, Instance  # noqa: F401 - the domain type this module answers
from alrea.store.base import Item, cancellation_codes, transaction, update_if
from alrea.store.keys import tenant_pk

SK_PREFIX = "INST#"
COUNTER_SK = "INSTCOUNT"
HOOK_SK = "HOOK"
EVO_SK = "EVO"
NOT_FOUND = "Número de WhatsApp não encontrado."
FAILED = "ConditionalCheckFailed"


class InstanceItem(Item):
    tenant_id = UnicodeAttribute()
    instance_id = UnicodeAttribute()
    name = UnicodeAttribute()
    evolution_name = UnicodeAttribute()
    webhook_token = UnicodeAttribute()
    jwt_key = UnicodeAttribute()
    state = UnicodeAttribute(default="close")
    wuid = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    profile_name = UnicodeAttribute(null=True)
    status_reason = NumberAttribute(null=True)
    default_department_id = UnicodeAttribute(null=True)
    connected_at = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, instance_id: str) -> tuple[str, str]:
        return tenant_pk(tenant_id), SK_PREFIX + instance_id

    def record(self) -> Instance:
        return Instance(tenant_id=self.tenant_id, instance_id=self.instance_id, name=self.name,
                        evolution_name=self.evolution_name, webhook_token=self.webhook_token,
                        jwt_key=self.jwt_key, state=self.state or "close", wuid=self.wuid, phone=self.phone,
                        profile_name=self.profile_name, created_at=self.created_at, updated_at=self.updated_at,
                        default_department_id=self.default_department_id, connected_at=self.connected_at)


class InstancePointer(Item):
    """``HOOK#<token>`` or ``EVO#<evolution name>`` -> the instance."""

    tenant_id = UnicodeAttribute()
    instance_id = UnicodeAttribute()

    @classmethod
    def hook_key(cls, token: str) -> tuple[str, str]:
        return f"HOOK#{token}", HOOK_SK

    @classmethod
    def evo_key(cls, evolution_name: str) -> tuple[str, str]:
        return f"EVO#{evolution_name}", EVO_SK


class InstanceCounter(Item):
    count = NumberAttribute(default=0)

    @classmethod
    def key(cls, tenant_id: str) -> tuple[str, str]:
        return tenant_pk(tenant_id), COUNTER_SK


# ---------------------------------------------------------------- writes
def create(instance: Instance, *, max_numbers: int, limit_message: str) -> Instance:
    """Store a new instance with its pointers; LimitReached when the tenant already has ``max_numbers``."""
    item = InstanceItem(*InstanceItem.key(instance.tenant_id, instance.instance_id), entity="instance",
                        **_attrs(instance))
    hook = InstancePointer(*InstancePointer.hook_key(instance.webhook_token), entity="instance_hook",
                           tenant_id=instance.tenant_id, instance_id=instance.instance_id)
    evo = InstancePointer(*InstancePointer.evo_key(instance.evolution_name), entity="instance_evo",
                          tenant_id=instance.tenant_id, instance_id=instance.instance_id)
    counter = InstanceCounter(*InstanceCounter.key(instance.tenant_id))
    if max_numbers <= 0:  # the condition below cannot refuse the very first one
        raise LimitReached(limit_message, limit="max_numbers", max_numbers=max_numbers)
    try:
        with transaction() as tx:
            tx.update(counter, actions=[InstanceCounter.count.add(1), InstanceCounter.entity.set("counter")],
                      condition=InstanceCounter.count.does_not_exist() | (InstanceCounter.count < max_numbers))
            tx.save(item, condition=InstanceItem.pk.does_not_exist())
            tx.save(hook, condition=InstancePointer.pk.does_not_exist())
            tx.save(evo, condition=InstancePointer.pk.does_not_exist())
    except TransactWriteError as exc:
        # PynamoDB sends condition checks, deletes, puts, then updates: the counter's reason is the 4th
        codes = cancellation_codes(exc)
        if codes[3:4] == [FAILED]:
            raise LimitReached(limit_message, limit="max_numbers", max_numbers=max_numbers) from None
        if FAILED in codes:
            raise Conflict("Já existe um número com este identificador.") from None
        raise Conflict("Outra alteração aconteceu ao mesmo tempo; tente novamente.") from exc
    return instance


def update_state(tenant_id: str, instance_id: str, state: str, *, status_reason: int | None = None,
                 wuid: str | None = None, phone: str | None = None, profile_name: str | None = None) -> Instance:
    """Connection state (and, when known, the connected account). NotFound if the instance is gone.

    A state outside ``STATES`` (e.g. "unknown" from an odd connection.update) keeps the stored state and only
    records the reason and time.
    """
    item = InstanceItem(*InstanceItem.key(tenant_id, instance_id))
    now = iso(utcnow())
    if state == "open":  # the first time it opens (not merely an "open" repeated): campaign warm-up starts
        update_if(item, [InstanceItem.connected_at.set(now)],
                  InstanceItem.pk.exists() & InstanceItem.connected_at.does_not_exist()
                  & (InstanceItem.state != "open"))
    actions = [InstanceItem.updated_at.set(now)]
    if state in STATES:
        actions.append(InstanceItem.state.set(state))
    if status_reason is not None:
        actions.append(InstanceItem.status_reason.set(int(status_reason)))
    if wuid:
        actions.append(InstanceItem.wuid.set(wuid))
    if phone:
        actions.append(InstanceItem.phone.set(phone))
    if profile_name:
        actions.append(InstanceItem.profile_name.set(profile_name))
    return _update_existing(item, actions)


def set_default_department(tenant_id: str, instance_id: str, department_id: str | None) -> Instance:
    """The department new conversations of this number go to (None: the tenant's first department)."""
    item = InstanceItem(*InstanceItem.key(tenant_id, instance_id))
    actions = [InstanceItem.updated_at.set(iso(utcnow())),
               InstanceItem.default_department_id.set(department_id) if department_id
               else InstanceItem.default_department_id.remove()]
    return _update_existing(item, actions)


def _update_existing(item: InstanceItem, actions: list) -> Instance:
    if not update_if(item, actions, InstanceItem.pk.exists()):
        raise NotFound(NOT_FOUND)
    return item.record()


def delete(tenant_id: str, instance_id: str) -> Instance:
    """Remove the instance, its pointers and one from the counter, all or nothing."""
    current = get(tenant_id, instance_id)
    try:
        with transaction() as tx:
            tx.delete(InstanceItem(*InstanceItem.key(tenant_id, instance_id)),
                      condition=InstanceItem.pk.exists())
            tx.delete(InstancePointer(*InstancePointer.hook_key(current.webhook_token)))
            tx.delete(InstancePointer(*InstancePointer.evo_key(current.evolution_name)))
            tx.update(InstanceCounter(*InstanceCounter.key(tenant_id)), actions=[InstanceCounter.count.add(-1)],
                      condition=InstanceCounter.count > 0)
    except TransactWriteError as exc:
        if cancellation_codes(exc)[:1] == [FAILED]:  # deletes go first: the instance's own condition
            raise NotFound(NOT_FOUND) from None
        raise Conflict("Outra alteração aconteceu ao mesmo tempo; tente novamente.") from exc
    return current


# ---------------------------------------------------------------- reads
def get(tenant_id: str, instance_id: str) -> Instance:
    if not instance_id or len(instance_id) > 64:  # never send an oversized key to DynamoDB
        raise NotFound(NOT_FOUND)
    try:
        return InstanceItem.get(*InstanceItem.key(tenant_id, instance_id), consistent_read=True).record()
    except DoesNotExist:
        raise NotFound(NOT_FOUND) from None


def list_instances(tenant_id: str) -> list[Instance]:
    items = InstanceItem.query(tenant_pk(tenant_id), InstanceItem.sk.startswith(SK_PREFIX), consistent_read=True)
    return sorted((i.record() for i in items), key=lambda i: (i.created_at, i.instance_id))


def count(tenant_id: str) -> int:
    try:
        return int(InstanceCounter.get(*InstanceCounter.key(tenant_id), consistent_read=True).count or 0)
    except DoesNotExist:
        return 0


def _via(pointer_key: tuple[str, str]) -> Instance | None:
    try:
        pointer = InstancePointer.get(*pointer_key)
    except DoesNotExist:
        return None
    try:
        return InstanceItem.get(*InstanceItem.key(pointer.tenant_id, pointer.instance_id)).record()
    except DoesNotExist:
        return None


def find_by_webhook_token(token: str) -> Instance | None:
    """Webhook ingest: the URL's token -> the instance (and so the tenant). None for an unknown token."""
    if not token or len(token) > 200:
        return None
    return _via(InstancePointer.hook_key(token))


def find_by_evolution_name(evolution_name: str) -> Instance | None:
    """The envelope's ``instance`` (Evolution name) -> the instance. None when unknown."""
    if not evolution_name or len(evolution_name) > 200:
        return None
    return _via(InstancePointer.evo_key(evolution_name))


def _attrs(instance: Instance) -> dict[str, Any]:
    data = {k: getattr(instance, k) for k in ("tenant_id", "instance_id", "name", "evolution_name",
                                                "webhook_token", "jwt_key", "state", "wuid", "phone",
                                                "profile_name", "created_at", "updated_at", "connected_at")}
    return {k: v for k, v in data.items() if v is not None}


# ``instances.list(tid)`` reads like the other verbs; defined last so nothing above sees the shadowed builtin
list = list_instances  # noqa: A001


def rename(tenant_id: str, instance_id: str, name: str) -> Instance:
    """The number's display name (its Evolution instance name does not change). Added for the numbers screen."""
    item = InstanceItem(*InstanceItem.key(tenant_id, instance_id))
    return _update_existing(item, [InstanceItem.name.set(name), InstanceItem.updated_at.set(iso(utcnow()))])


# ---------------------------------------------------------------- webhook ingest's cached lookup (additive)
from alrea.store.cache import TtlCache  # noqa: E402

WEBHOOK_TOKEN_TTL_S = 30.0
_BY_WEBHOOK_TOKEN = TtlCache(ttl_s=WEBHOOK_TOKEN_TTL_S, max_items=1024)


def find_by_webhook_token_cached(token: str) -> Instance | None:
    """find_by_webhook_token, remembered for ``WEBHOOK_TOKEN_TTL_S`` per warm container (at most 1,024
    tokens; unknown tokens are never remembered): ingest reads the pointer and the instance once per half
    minute instead of twice per webhook. A deleted instance's webhooks may still be queued for that long (the
    processor drops what it cannot place); a jwt_key change applies within it."""
    return _BY_WEBHOOK_TOKEN.get(token, lambda: find_by_webhook_token(token))
