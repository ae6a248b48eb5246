"""The caller's own account and a few screens' small writes: the profile name, a number's display name and
its automatic distribution (a per-number switch over the tenant's). Role checks are the routers'; tenant
scoping is the caller's."""
from __future__ import annotations

from typing import Any

from alrea.core.errors import Invalid
from alrea.core.log import logger
from alrea.domain.roles import Principal

MAX_PROFILE_NAME = 120


def _display(name: str | None, *, empty: str, limit: int, too_long: str) -> str:
    display = " ".join((name or "").split())
    if not display:
        raise Invalid(empty, field="name")
    if len(display) > limit:
        raise Invalid(too_long.format(limit=limit), field="name")
    return display


def rename_me(caller: Principal, name: str) -> tuple[Any, Any]:
    """The caller's display name (what colleagues see in assignments, notes and presence); answers the caller
    and their tenant, as GET /api/me."""
    from alrea.services import users as user_service
    from alrea.store import users

    display = _display(name, empty="Informe o seu nome.", limit=MAX_PROFILE_NAME,
                       too_long="O nome deve ter no máximo {limit} caracteres.")
    current = users.get_user(caller.tenant_id, caller.user_id)
    if current.name != display:
        users.change_user(current, name=display, role=current.role, department_id=current.department_id)
        logger.info("profile renamed")
    return user_service.me(caller)


def update_tenant(caller: Principal, *, name: str, timezone: str, country: str) -> Any:
    """Configurações → Empresa (admins): the company's name, its time zone (new campaigns' send windows) and
    its country."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    import phonenumbers

    from alrea.core.clock import iso, utcnow
    from alrea.store import tenants

    display = _display(name, empty="Informe o nome da empresa.", limit=MAX_PROFILE_NAME,
                       too_long="O nome deve ter no máximo {limit} caracteres.")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("Fuso horário desconhecido.", field="timezone") from None
    if "/" not in timezone and timezone != "UTC":
        raise Invalid("Fuso horário desconhecido.", field="timezone")
    code = country.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise Invalid("País desconhecido: use o código de duas letras (BR, PT, US…).", field="country")
    tenant = tenants.change_settings(caller.tenant_id, name=display, timezone=timezone, country=code,
                                     updated_at=iso(utcnow()))
    logger.info("tenant settings changed")
    return tenant


def rename_number(caller: Principal, instance_id: str, name: str) -> Any:
    from alrea.services import instances
    from alrea.store import instances as store

    display = _display(name, empty="Informe um nome para o número.", limit=instances.MAX_NAME,
                       too_long="O nome deve ter no máximo {limit} caracteres.")
    store.get(caller.tenant_id, instance_id)  # 404 for another tenant's or a missing number
    return store.rename(caller.tenant_id, instance_id, display)


# ---------------------------------------------------------------- a number's automatic distribution
def auto_assign_for(tenant_id: str, instance_id: str, tenant_default: bool) -> bool:
    """Whether conversations arriving on this number are distributed automatically: the number's own switch,
    else the tenant's (Configurações → Atendimento)."""
    from alrea.store import number_settings

    override = number_settings.auto_assign(tenant_id, instance_id)
    return tenant_default if override is None else override


def number_auto_assign(caller: Principal) -> list[dict[str, Any]]:
    """Each number of the tenant with its effective switch and whether it overrides the tenant's."""
    from alrea.store import instances, number_settings, settings

    default = bool(settings.get_inbox(caller.tenant_id).auto_assign)
    overrides = number_settings.overrides(caller.tenant_id)
    return [{"instance_id": i.instance_id, "auto_assign": overrides.get(i.instance_id, default),
             "override": i.instance_id in overrides, "tenant_default": default}
            for i in instances.list_instances(caller.tenant_id)]


def set_number_auto_assign(caller: Principal, instance_id: str, enabled: bool | None) -> dict[str, Any]:
    from alrea.store import instances, number_settings

    instances.get(caller.tenant_id, instance_id)  # 404 for another tenant's or a missing number
    number_settings.set_auto_assign(caller.tenant_id, instance_id, enabled)
    logger.info("number auto-assignment set", extra={"instance_id": instance_id, "enabled": enabled})
    return next(n for n in number_auto_assign(caller) if n["instance_id"] == instance_id)
