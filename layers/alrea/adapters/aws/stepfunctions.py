"""Pacer on Step Functions: one CampaignRun execution per run (see alrea.campaign_run)."""
from __future__ import annotations

import json
import re
import uuid
from typing import Any

from alrea.adapters.aws.clients import client
from alrea.campaign_run import ROUNDS_PER_EXECUTION, plan_task_from_message
from alrea.core.log import logger
from alrea.ports.pacer import Pacer, PlanAnswer, PlanTask

__all__ = ["StepFunctionsPacer", "execution_name", "plan_task_from_message"]


def execution_name(campaign_id: str, run_id: str, round_: int) -> str:
    """Unique, ≤ 80 characters, only [A-Za-z0-9_-] (execution names refuse spaces and most punctuation)."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", f"{campaign_id[:36]}-{run_id[:8]}")
    return f"{safe}-r{round_}-{uuid.uuid4().hex[:12]}"[:80]


class StepFunctionsPacer(Pacer):
    def __init__(self, state_machine_arn: str, *, rounds_per_execution: int = ROUNDS_PER_EXECUTION) -> None:
        self.state_machine_arn = state_machine_arn
        self.rounds_per_execution = rounds_per_execution

    @property
    def _sfn(self) -> Any:
        return client("stepfunctions")

    def _start(self, payload: dict[str, Any]) -> str:
        name = execution_name(payload["campaign_id"], payload["run_id"], payload["round"])
        arn = self._sfn.start_execution(stateMachineArn=self.state_machine_arn, name=name,
                                        input=json.dumps(payload))["executionArn"]
        logger.info("campaign run execution started", extra={"execution": name, "round": payload["round"]})
        return arn

    def start(self, tenant_id: str, campaign_id: str, run_id: str) -> None:
        self._start({"tenant_id": tenant_id, "campaign_id": campaign_id, "run_id": run_id, "round": 1})

    @staticmethod
    def _token(task: PlanTask) -> str:
        if not task.task_token:
            raise ValueError("a Step Functions plan task needs its task_token")
        return task.task_token

    def answer(self, task: PlanTask, answer: PlanAnswer) -> None:
        token = self._token(task)
        wait_s = max(int(answer.wait_s), 0)
        if not answer.done and task.round % self.rounds_per_execution == 0:
            # every execution plans rounds k*N+1 .. (k+1)*N, far from the 25,000-event history limit: hand
            # over to a fresh execution that waits, then plans round + 1; the old one then ends as done.
            self._start({"tenant_id": task.tenant_id, "campaign_id": task.campaign_id, "run_id": task.run_id,
                         "round": task.round, "plan": {"done": False, "wait_s": wait_s}})
            self._sfn.send_task_success(taskToken=token, output=json.dumps({"done": True, "wait_s": 0}))
            return
        output = json.dumps({"done": answer.done, "wait_s": wait_s})
        self._sfn.send_task_success(taskToken=token, output=output)

    def fail(self, task: PlanTask, error: str) -> None:
        self._sfn.send_task_failure(taskToken=self._token(task), error="PlanFailed", cause=error[:32768])
