"""Health: each dependency answers "ok" or a short reason; the API answers 200 only when all are ok."""
from __future__ import annotations

from collections.abc import Callable

from alrea.core.config import get_settings
from alrea.core.log import logger
from alrea.store import tenants
from alrea.wiring import runtime


def _probe(name: str, check: Callable[[], str]) -> str:
    try:
        result = check()
    except Exception as exc:  # noqa: BLE001 - a failing dependency is a reason, not a crash
        logger.warning("health check failed", extra={"component": name, "error": repr(exc)})
        return f"error: {type(exc).__name__}"
    return result if isinstance(result, str) and result else "unknown"


def _broker() -> str:
    settings = get_settings()
    if settings.bus == "rabbitmq" or settings.broker_url:
        return runtime().bus.health()  # the RabbitMQ adapter reports its connection state
    return "ok"  # SQS or in-memory: no broker connection to hold


def check() -> dict[str, object]:
    components = {
        "store": _probe("store", tenants.ping),
        "queues": _probe("queues", lambda: runtime().bus.health()),
        "storage": _probe("storage", lambda: runtime().storage.health()),
        "broker": _probe("broker", _broker),
    }
    status = "ok" if all(v == "ok" for v in components.values()) else "degraded"
    return {"status": status, "components": components}
