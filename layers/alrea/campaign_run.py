"""The CampaignRun state machine (Amazon States Language), defined once for CDK and the local runtime.

    Begin ─(input has "plan": a hand-over)─▶ Wait
      └───────────────────────────────────▶ Plan ──▶ Done? ──done──▶ Finished
                                             ▲          └─not done─▶ Wait ($.plan.wait_s) ──▶ NextRound
                                             └──────────────────────────────────────────────────┘

Plan sends ``{tenant_id, campaign_id, run_id, round, task_token}`` to the ``campaign_plan`` queue and waits
for the planner's answer (``send_task_success`` with ``{"done": bool, "wait_s": int}``, see
alrea.ports.pacer.PlanAnswer). The RabbitMQ / memory pacer runs the same loop with delayed plan messages.

History limit: a Standard execution may hold 25,000 events and each round costs about 10. So an execution
plans at most ``ROUNDS_PER_EXECUTION`` rounds: when the planner answers "not done" to a round that is a
multiple of it, StepFunctionsPacer starts a fresh execution whose input carries the answer
(``{..., "round": r, "plan": {"done": false, "wait_s": w}}`` — Begin sends it straight to Wait, then round
r+1) and ends the old one by answering it "done". The planner never sees the hand-over: PlanAnswer keeps
meaning "is the campaign finished, and if not how long until the next plan".

Only states moto executes are used (Task sqs:sendMessage.waitForTaskToken, Choice, Wait SecondsPath, Pass
with States.MathAdd, Succeed, Fail), so the local runtime runs this very definition on moto.
"""
from __future__ import annotations

from typing import Any

from alrea.ports.pacer import PlanTask

ROUNDS_PER_EXECUTION = 500
# How long Plan waits for the planner's answer: the plan message may wait in the queue and be retried
# (3 receives x 120 s visibility). TimeoutSeconds, not HeartbeatSeconds: the planner answers once and never
# heartbeats, and moto (like LocalStack) loses an answer that arrives before its heartbeat watcher is set up
# (a race), so with HeartbeatSeconds a fast planner would hang the local loop until the heartbeat lapsed.
PLAN_TIMEOUT_S = 3600

_IDS = {"tenant_id.$": "$.tenant_id", "campaign_id.$": "$.campaign_id", "run_id.$": "$.run_id"}


def definition(plan_queue_url: str) -> dict[str, Any]:
    return {
        "Comment": "CampaignRun: plan, wait, plan again until the planner answers done",
        "StartAt": "Begin",
        "States": {
            "Begin": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.plan", "IsPresent": True, "Next": "Wait"}],
                "Default": "Plan",
            },
            "Plan": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {
                    "QueueUrl": plan_queue_url,
                    "MessageBody": {**_IDS, "round.$": "$.round", "task_token.$": "$$.Task.Token"},
                },
                "ResultPath": "$.plan",
                "TimeoutSeconds": PLAN_TIMEOUT_S,
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "PlanFailed"}],
                "Next": "Done?",
            },
            "Done?": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.plan.done", "BooleanEquals": True, "Next": "Finished"}],
                "Default": "Wait",
            },
            "Wait": {"Type": "Wait", "SecondsPath": "$.plan.wait_s", "Next": "NextRound"},
            "NextRound": {
                "Type": "Pass",
                "Parameters": {**_IDS, "round.$": "States.MathAdd($.round, 1)"},
                "Next": "Plan",
            },
            "Finished": {"Type": "Succeed"},
            "PlanFailed": {"Type": "Fail", "Error": "PlanFailed",
                           "Cause": "the planner failed or never answered"},
        },
    }


def plan_task_from_message(body: dict[str, Any]) -> PlanTask:
    """The planner's task from a ``campaign_plan`` message: Step Functions' (with ``task_token``) or the
    queue pacer's (without)."""
    try:
        return PlanTask(tenant_id=str(body["tenant_id"]), campaign_id=str(body["campaign_id"]),
                        run_id=str(body["run_id"]), round=int(body.get("round", 1)),
                        task_token=body.get("task_token") or None)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a campaign plan message: {exc!r}") from None
