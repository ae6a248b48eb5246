"""Pacer contract: every adapter runs the same plan loop — plan, wait wait_s, plan again until done."""
from __future__ import annotations

import time

from alrea.campaign_run import plan_task_from_message
from alrea.core.clock import new_id
from alrea.ports.pacer import PlanAnswer


def run_planner(world, answers: list[PlanAnswer], *, timeout_s: float = 30.0, quiet_s: float = 2.0):
    """A test planner: answers each plan task with the next answer; stops ``quiet_s`` after the last one."""
    rounds: list[tuple[int, float, object]] = []
    deadline = time.monotonic() + timeout_s
    quiet_until = None
    while time.monotonic() < deadline and (quiet_until is None or time.monotonic() < quiet_until):
        for delivery in world.bus.receive("campaign_plan", max_messages=10, wait_s=1):
            task = plan_task_from_message(delivery.json())
            rounds.append((task.round, time.monotonic(), task))
            answer = answers[min(len(rounds), len(answers)) - 1]
            world.pacer.answer(task, answer)
            world.bus.ack(delivery)
            if len(rounds) == len(answers):
                quiet_until = time.monotonic() + quiet_s
    return rounds


def wait_for(predicate, timeout_s: float = 8.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


def test_the_loop_plans_until_done_waiting_between_rounds(pacer_world):
    campaign_id, run_id = new_id(), new_id()
    pacer_world.pacer.start("tenant-a", campaign_id, run_id)

    rounds = run_planner(pacer_world, [PlanAnswer(done=False, wait_s=1), PlanAnswer(done=False, wait_s=1),
                                       PlanAnswer(done=True)])

    assert [r for r, _, _ in rounds] == [1, 2, 3]
    ids = {(t.tenant_id, t.campaign_id, t.run_id) for _, _, t in rounds}
    assert ids == {("tenant-a", campaign_id, run_id)}
    gaps = [b - a for (_, a, _), (_, b, _) in zip(rounds, rounds[1:], strict=False)]
    assert all(gap >= 0.9 for gap in gaps), gaps
    if pacer_world.executions():  # Step Functions: one execution, ended well
        done = wait_for(lambda: all(e["status"] == "SUCCEEDED" for e in pacer_world.executions()))
        assert done, pacer_world.executions()
        assert len(pacer_world.executions()) == 1
        assert all(t.task_token for _, _, t in rounds)


def test_step_functions_hands_over_to_a_fresh_execution(sfn_world):
    """Past rounds_per_execution, the loop continues in a new execution; the planner sees no difference."""
    world = sfn_world(rounds_per_execution=2)
    campaign_id, run_id = new_id(), new_id()
    world.pacer.start("tenant-a", campaign_id, run_id)

    rounds = run_planner(world, [PlanAnswer(False, 1), PlanAnswer(False, 1), PlanAnswer(False, 1),
                                 PlanAnswer(True)])

    assert [r for r, _, _ in rounds] == [1, 2, 3, 4]
    gaps = [b - a for (_, a, _), (_, b, _) in zip(rounds, rounds[1:], strict=False)]
    assert all(gap >= 0.9 for gap in gaps), gaps
    executions = wait_for(lambda: [e for e in world.executions() if e["status"] == "SUCCEEDED"])
    everything = [(e["name"], e["status"]) for e in world.executions()]
    assert len(executions) == 2 == len(everything), everything


def test_step_functions_fail_stops_the_execution(sfn_world):
    world = sfn_world()
    world.pacer.start("tenant-a", new_id(), new_id())
    deliveries = wait_for(lambda: world.bus.receive("campaign_plan", wait_s=1))
    task = plan_task_from_message(deliveries[0].json())

    world.pacer.fail(task, "campaign has no recipients")
    world.bus.ack(deliveries[0])

    failed = wait_for(lambda: [e for e in world.executions() if e["status"] == "FAILED"])
    assert len(failed) == 1
