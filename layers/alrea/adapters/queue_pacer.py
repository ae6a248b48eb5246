"""Pacer over the Bus (RabbitMQ, memory): each round is a ``campaign_plan`` message, the next one delayed.

Same loop as the CampaignRun state machine: plan; if not done, plan again after ``wait_s`` (capped at the
bus's 900 s maximum delay — a longer wait simply costs an extra early plan that answers "wait" again).
"""
from __future__ import annotations

from alrea.campaign_run import plan_task_from_message
from alrea.core.log import logger
from alrea.ports.bus import MAX_DELAY_S, Bus
from alrea.ports.pacer import Pacer, PlanAnswer, PlanTask

PLAN_QUEUE = "campaign_plan"

__all__ = ["PLAN_QUEUE", "QueuePacer", "plan_task_from_message"]


def _message(tenant_id: str, campaign_id: str, run_id: str, round_: int) -> dict:
    return {"tenant_id": tenant_id, "campaign_id": campaign_id, "run_id": run_id, "round": round_}


class QueuePacer(Pacer):
    def __init__(self, bus: Bus) -> None:
        self.bus = bus

    def start(self, tenant_id: str, campaign_id: str, run_id: str) -> None:
        self.bus.publish(PLAN_QUEUE, _message(tenant_id, campaign_id, run_id, 1))

    def answer(self, task: PlanTask, answer: PlanAnswer) -> None:
        if answer.done:
            return
        delay = min(max(int(answer.wait_s), 0), MAX_DELAY_S)
        self.bus.publish(PLAN_QUEUE, _message(task.tenant_id, task.campaign_id, task.run_id, task.round + 1),
                         delay_s=delay)

    def fail(self, task: PlanTask, error: str) -> None:
        logger.error("campaign plan loop stopped", extra={"tenant_id": task.tenant_id,
                                                          "campaign_id": task.campaign_id,
                                                          "run_id": task.run_id, "round": task.round,
                                                          "error": error})
