"""The CampaignRun definition: shape of the loop, and the planner's task parsed from both message forms.

(The definition really runs on moto in tests/contract/test_pacer_contract.py.)
"""
from __future__ import annotations

import json

import pytest

from alrea.campaign_run import ROUNDS_PER_EXECUTION, definition, plan_task_from_message
from alrea.ports.pacer import PlanTask

QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/campaign_plan"


def reachable(asl: dict) -> set[str]:
    seen, stack = set(), [asl["StartAt"]]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        state = asl["States"][name]
        targets = [state.get("Next"), state.get("Default")]
        targets += [c["Next"] for c in state.get("Choices", []) + state.get("Catch", [])]
        stack += [t for t in targets if t]
    return seen


def test_every_state_is_defined_and_reachable_and_it_serializes():
    asl = definition(QUEUE_URL)
    assert reachable(asl) == set(asl["States"])
    assert json.loads(json.dumps(asl)) == asl


def test_plan_sends_the_task_token_to_the_plan_queue_and_keeps_the_answer():
    plan = definition(QUEUE_URL)["States"]["Plan"]
    assert plan["Resource"] == "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    assert plan["Parameters"]["QueueUrl"] == QUEUE_URL
    body = plan["Parameters"]["MessageBody"]
    assert body["task_token.$"] == "$$.Task.Token"
    assert {k for k in body} == {"tenant_id.$", "campaign_id.$", "run_id.$", "round.$", "task_token.$"}
    assert plan["ResultPath"] == "$.plan"
    assert plan["TimeoutSeconds"] >= 600  # queued and retried plan messages must not time the run out


def test_the_loop_ends_on_done_and_otherwise_waits_then_plans_the_next_round():
    states = definition(QUEUE_URL)["States"]
    assert states["Plan"]["Next"] == "Done?"
    done_choice = states["Done?"]
    assert done_choice["Choices"] == [{"Variable": "$.plan.done", "BooleanEquals": True, "Next": "Finished"}]
    assert states["Finished"]["Type"] == "Succeed"
    assert done_choice["Default"] == "Wait"
    assert states["Wait"] == {"Type": "Wait", "SecondsPath": "$.plan.wait_s", "Next": "NextRound"}
    assert states["NextRound"]["Parameters"]["round.$"] == "States.MathAdd($.round, 1)"
    assert states["NextRound"]["Next"] == "Plan"


def test_a_hand_over_input_starts_with_the_wait():
    begin = definition(QUEUE_URL)["States"]["Begin"]
    assert begin["Choices"] == [{"Variable": "$.plan", "IsPresent": True, "Next": "Wait"}]
    assert begin["Default"] == "Plan"
    assert ROUNDS_PER_EXECUTION * 12 < 25_000  # ~10 history events per round, with room to spare


def test_a_substitution_token_passes_through_untouched():
    token = "${PlanQueueUrl}"
    assert definition(token)["States"]["Plan"]["Parameters"]["QueueUrl"] == token


def test_plan_task_from_both_message_forms():
    ids = {"tenant_id": "t1", "campaign_id": "c1", "run_id": "r1"}
    assert plan_task_from_message({**ids, "round": 3}) == PlanTask("t1", "c1", "r1", 3, None)
    with_token = plan_task_from_message({**ids, "round": "4", "task_token": "tok"})
    assert with_token == PlanTask("t1", "c1", "r1", 4, "tok")
    assert plan_task_from_message(ids).round == 1


@pytest.mark.parametrize("body", [{}, {"tenant_id": "t1", "campaign_id": "c1"},
                                  {"tenant_id": "t1", "campaign_id": "c1", "run_id": "r", "round": "x"}])
def test_a_malformed_plan_message_is_refused(body):
    with pytest.raises(ValueError, match="not a campaign plan message"):
        plan_task_from_message(body)
