"""Schedule ticker: moto does not fire EventBridge schedules, so the local runtime calls each registry
Schedule function every ``every_s`` seconds with the "Scheduled Event" EventBridge would send."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alrea.core.log import logger
from alrea.local import events
from alrea.local.worker import Worker
from alrea.registry import Function, Schedule


class Ticker(Worker):
    def __init__(self, fn: Function, invoke: Callable[[Function, dict[str, Any]], Any], *, region: str,
                 every_s: float | None = None) -> None:
        if not isinstance(fn.trigger, Schedule):
            raise TypeError(f"{fn.name} is not a scheduled function")
        self.fn = fn
        self.invoke = invoke
        self.region = region
        self.every_s = every_s if every_s is not None else fn.trigger.every_s
        super().__init__(f"ticker-{fn.name}")

    def tick(self) -> Any:
        return self.invoke(self.fn, events.scheduled_event(f"alrea-{self.fn.name}", region=self.region))

    def _run(self) -> None:
        # like a rate() rule, the first event comes one period after the rule exists
        while not self._stop.wait(self.every_s):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - EventBridge just fires again next period
                logger.exception("scheduled function failed", extra={"function": self.fn.name})
