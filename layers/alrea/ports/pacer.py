"""Pacer: drives a campaign's planner loop until it answers done.

Every adapter runs the same loop — plan, and if not done wait ``wait_s`` and plan again — and feeds the same
planner, whose answer is :class:`PlanAnswer`. AWS: the CampaignRun state machine (Plan is an SQS
``waitForTaskToken`` task). RabbitMQ / memory: delayed plan messages on the ``campaign_plan`` queue.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


@dataclass(frozen=True)
class PlanAnswer:
    done: bool
    wait_s: int = 0


@dataclass(frozen=True)
class PlanTask:
    """What the planner receives: which campaign to plan, and how to answer."""

    tenant_id: str
    campaign_id: str
    run_id: str
    round: int = 1
    task_token: str | None = None  # Step Functions only


class Pacer(ABC):
    @abstractmethod
    def start(self, tenant_id: str, campaign_id: str, run_id: str) -> None:
        """Start the plan loop for one run of a campaign (a run id per start/resume)."""

    @abstractmethod
    def answer(self, task: PlanTask, answer: PlanAnswer) -> None:
        """Give the planner's answer back to the loop."""

    @abstractmethod
    def fail(self, task: PlanTask, error: str) -> None:
        """The planner could not plan: the loop stops with this error."""
