"""Campaign run store contract: the in-memory store (alrea.adapters.memory.campaign_store) and DynamoDB on moto
(alrea.store.campaigns + alrea.store.recipients) answer the same cases the same way — so the service tests that
run on the memory store test the state machine the table really has."""
from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest

from alrea.core.clock import iso, utcnow
from alrea.domain import campaigns as dom


@pytest.fixture(params=["memory", "dynamodb"])
def world(request):
    if request.param == "memory":
        from alrea.adapters.memory.campaign_store import MemoryCampaignStore, recipients_view

        memory = MemoryCampaignStore()
        return SimpleNamespace(c=memory, r=recipients_view(memory))
    request.getfixturevalue("aws")
    from alrea.store import campaigns, recipients

    return SimpleNamespace(c=campaigns, r=recipients)


def running(w, *, numbers=("n1", "n2"), phones=()) -> tuple[dom.Campaign, str]:
    tid = str(uuid.uuid4())
    c = w.c.create(dom.Campaign(id=str(uuid.uuid4()), tenant_id=tid, name="C", created_at=iso(utcnow()),
                                instance_ids=list(numbers), variants=[{"text": "Oi"}]))
    run = uuid.uuid4().hex
    c = w.c.start_run(tid, c.id, run, iso(utcnow()))
    n = w.r.materialise(dom.Recipient(tenant_id=tid, campaign_id=c.id, phone=p, instance_id=numbers[i % len(numbers)],
                                      contact={"name": f"P{i}"}) for i, p in enumerate(phones))
    w.c.add_counters(tid, c.id, {"total": n, "pending": n})
    return w.c.get(tid, c.id), run


def order(c: dom.Campaign, run: str, phone: str, instance_id: str = "n1") -> dom.SendOrder:
    return dom.SendOrder(tenant_id=c.tenant_id, campaign_id=c.id, run_id=run, phone=phone, instance_id=instance_id,
                         slot=1.0, variant=0, text="Oi")


def test_a_claim_takes_a_pending_recipient_once_and_moves_the_counters(world):
    c, run = running(world, phones=["+551100000001"])
    assert world.r.claim_for_send(order(c, run, "+551100000001")) == "ok"
    assert world.r.claim_for_send(order(c, run, "+551100000001")) == "recipient"
    rec = world.r.get(c.tenant_id, c.id, "+551100000001")
    assert rec.status == dom.R_SENDING and rec.slot == 1.0 and rec.variant == 0 and rec.attempted_at
    counters = world.c.get(c.tenant_id, c.id).counters()
    assert counters["pending"] == 0 and counters["sending"] == 1


def test_a_message_of_another_run_or_a_stopped_campaign_claims_nothing(world):
    c, run = running(world, phones=["+551100000001"])
    assert world.r.claim_for_send(order(c, "old-run", "+551100000001")) == "campaign"
    assert world.c.pause(c.tenant_id, c.id, "pausa", iso(utcnow())).status == dom.PAUSED
    assert world.r.claim_for_send(order(c, run, "+551100000001")) == "campaign"
    assert world.r.get(c.tenant_id, c.id, "+551100000001").status == dom.R_PENDING
    assert world.c.get(c.tenant_id, c.id).counters()["pending"] == 1
    resumed = world.c.resume(c.tenant_id, c.id, "new-run")
    assert resumed.status == dom.RUNNING and resumed.run_id == "new-run"
    assert world.r.claim_for_send(order(c, run, "+551100000001")) == "campaign"
    assert world.r.claim_for_send(order(c, "new-run", "+551100000001")) == "ok"


def test_a_missing_recipient_claims_nothing(world):
    c, run = running(world)
    assert world.r.claim_for_send(order(c, run, "+551100000009")) == "recipient"


def test_mark_moves_only_from_the_expected_status(world):
    c, run = running(world, phones=["+551100000001"])
    world.r.claim_for_send(order(c, run, "+551100000001"))
    rec = world.r.get(c.tenant_id, c.id, "+551100000001")
    assert world.r.mark(rec, dom.R_SENDING, dom.R_SENT, wamid="W1", sent_at=iso(utcnow()), error=None)
    assert not world.r.mark(rec, dom.R_SENDING, dom.R_FAILED, error="x")
    got = world.r.get(c.tenant_id, c.id, "+551100000001")
    assert got.status == dom.R_SENT and got.wamid == "W1" and got.error is None
    with pytest.raises(ValueError):
        world.r.mark(got, dom.R_SENT, dom.R_DELIVERED, status="x")


def test_advance_moves_from_the_status_it_really_is_in_with_its_counters(world):
    c, run = running(world, numbers=("n1",), phones=["+551100000001", "+551100000002"])
    rec = world.r.get(c.tenant_id, c.id, "+551100000001")
    assert world.r.advance(rec, (dom.R_SENDING, dom.R_PENDING), dom.R_OPTED_OUT, error="Descadastrado") == dom.R_PENDING
    assert world.r.advance(rec, (dom.R_SENDING, dom.R_PENDING), dom.R_OPTED_OUT) is None
    counters = world.c.get(c.tenant_id, c.id).counters()
    assert counters["pending"] == 1 and counters["opted_out"] == 1
    other = world.r.get(c.tenant_id, c.id, "+551100000002")
    world.r.claim_for_send(order(c, run, other.phone, other.instance_id))
    assert world.r.advance(other, (dom.R_SENDING, dom.R_UNKNOWN), dom.R_SENT, wamid="W2",
                           sent_at=iso(utcnow())) == dom.R_SENDING
    counters = world.c.get(c.tenant_id, c.id).counters()
    assert counters["sending"] == 0 and counters["sent"] == 1 and counters["pending"] == 0


def test_pending_after_continues_a_number_after_its_cursor(world):
    phones = [f"+5511000000{i:02d}" for i in range(6)]
    c, run = running(world, numbers=("n1", "n2"), phones=phones)
    first = [r.phone for r in world.r.pending_after(c.tenant_id, c.id, "n1", None, limit=2)]
    assert first == [phones[0], phones[2]]
    rest = [r.phone for r in world.r.pending_after(c.tenant_id, c.id, "n1", first[-1], limit=10)]
    assert rest == [phones[4]]
    assert [r.phone for r in world.r.pending_after(c.tenant_id, c.id, "n2", None, limit=10)] == phones[1::2]
    world.r.claim_for_send(order(c, run, phones[0]))
    assert [r.phone for r in world.r.pending_after(c.tenant_id, c.id, "n1", None, limit=10)] == [phones[2], phones[4]]
    assert world.r.any_in(c.tenant_id, c.id, dom.R_SENDING)
    assert not world.r.any_in(c.tenant_id, c.id, dom.R_SENT)


def test_complete_only_running_and_settled(world):
    c, run = running(world, phones=["+551100000001"])
    assert world.c.complete_if_running(c.tenant_id, c.id, iso(utcnow())) is None  # a pending counter
    assert world.c.complete_if_running(c.tenant_id, c.id, iso(utcnow()), settled=False).status == dom.COMPLETED
    assert world.c.complete_if_running(c.tenant_id, c.id, iso(utcnow()), settled=False) is None
    assert world.c.pause(c.tenant_id, c.id, None, iso(utcnow())) is None
    assert world.c.cancel(c.tenant_id, c.id, iso(utcnow())) is None


def test_a_round_is_taken_once_within_its_lease(world):
    c, run = running(world)
    assert world.c.take_round(c.tenant_id, c.id, run, 1, now=100.0, lease_s=10)
    assert not world.c.take_round(c.tenant_id, c.id, run, 1, now=105.0, lease_s=10)
    assert world.c.take_round(c.tenant_id, c.id, run, 1, now=111.0, lease_s=10)  # the lease lapsed
    assert not world.c.take_round(c.tenant_id, c.id, "other", 2, now=111.0, lease_s=10)
    assert world.c.take_round(c.tenant_id, c.id, run, 2, now=112.0, lease_s=10)
    assert world.c.get(c.tenant_id, c.id).plan_round == 2


def test_numbers_keep_their_cursor_per_run_and_a_ring_of_outcomes(world):
    c, run = running(world)
    state = dom.NumberState("n1", last_slot=5.0, day="2026-12-01", day_count=3, after="+551100000001",
                            after_run=run)
    world.c.save_number_states(c.tenant_id, c.id, [state, dom.NumberState("n2", day="2026-12-01")])
    got = world.c.number_states(c.tenant_id, c.id)
    assert (got["n1"].after, got["n1"].after_run, got["n1"].day_count, got["n1"].last_slot) == (
        "+551100000001", run, 3, 5.0)
    assert got["n2"].after is None
    assert world.c.record_outcomes(c.tenant_id, c.id, "n1", [0, 1, 1]) == [0, 1, 1]
    ring = world.c.record_outcomes(c.tenant_id, c.id, "n1", [1] * 12)
    assert ring == [1] * dom.AUTO_PAUSE_WINDOW and dom.should_auto_pause(ring)
    world.c.reset_numbers(c.tenant_id, c.id, ["n1"])
    got = world.c.number_states(c.tenant_id, c.id)["n1"]
    assert got.after is None and got.recent == [] and got.day_count == 3


def test_counters_add_and_chart_minutes(world):
    c, _ = running(world, phones=["+551100000001"])
    after = world.c.add_counters(c.tenant_id, c.id, {"sent": 2, "pending": -1})
    assert after.counters()["sent"] == 2 and after.counters()["pending"] == 0
    assert world.c.add_counters(c.tenant_id, c.id, {}) is None
    world.c.timeline_add_many(c.tenant_id, c.id, {"2026-12-01T10:00": {"sent": 2, "pending": -1},
                                                   "2026-12-01T10:01": {"failed": 1}})
    world.c.timeline_add(c.tenant_id, c.id, "2026-12-01T10:00:30.000Z", {"sent": 1})
    buckets = {b["minute"]: b for b in world.c.timeline(c.tenant_id, c.id)}
    assert buckets["2026-12-01T10:00"]["sent"] == 3 and buckets["2026-12-01T10:01"]["failed"] == 1


def test_claim_many_claims_each_pending_recipient_once_in_one_go(world):
    phones = ["+551100000001", "+551100000002", "+551100000003"]
    c, run = running(world, numbers=("n1",), phones=phones)
    world.r.claim_for_send(order(c, run, phones[1]))  # already claimed
    orders = [order(c, run, p) for p in phones] + [order(c, run, phones[0])]  # and a duplicate in the batch
    assert world.r.claim_many(orders) == ["ok", "recipient", "ok", "recipient"]
    counters = world.c.get(c.tenant_id, c.id).counters()
    assert counters["pending"] == 0 and counters["sending"] == 3
    assert world.r.claim_many([order(c, "stale", "+551100000009")]) == ["recipient"]


def test_claim_many_of_a_stopped_run_claims_nothing(world):
    phones = ["+551100000001", "+551100000002"]
    c, run = running(world, numbers=("n1",), phones=phones)
    assert world.r.claim_many([order(c, "old", p) for p in phones]) == ["campaign", "campaign"]
    assert {world.r.get(c.tenant_id, c.id, p).status for p in phones} == {dom.R_PENDING}


def test_settle_many_moves_with_the_counters_and_leaves_out_what_moved_meanwhile(world):
    phones = ["+551100000001", "+551100000002", "+551100000003"]
    c, run = running(world, numbers=("n1",), phones=phones)
    world.r.claim_many([order(c, run, p) for p in phones])
    recs = [world.r.get(c.tenant_id, c.id, p) for p in phones]
    assert world.r.advance(recs[0], (dom.R_SENDING,), dom.R_SENT, wamid="ECHO", sent_at=iso(utcnow()))  # an echo
    now = iso(utcnow())
    applied = world.r.settle_many([(recs[0], dom.R_SENDING, dom.R_SENT, {"wamid": "W0", "sent_at": now}),
                                   (recs[1], dom.R_SENDING, dom.R_FAILED, {"error": "falhou"}),
                                   (recs[2], dom.R_SENDING, dom.R_PENDING, {})])
    assert applied == [False, True, True]
    assert world.r.get(c.tenant_id, c.id, phones[0]).wamid == "ECHO"
    counters = world.c.get(c.tenant_id, c.id).counters()
    assert (counters["sent"], counters["failed"], counters["pending"], counters["sending"]) == (1, 1, 1, 0)


def test_a_recipient_moved_to_another_number_goes_last_in_its_queue_and_old_orders_claim_nothing(world):
    phones = ["+551100000001", "+551100000002", "+551100000003", "+551100000004"]
    c, run = running(world, phones=phones)  # n1: 01, 03; n2: 02, 04
    tid = c.tenant_id
    first = world.r.pending_after(tid, c.id, "n2", None, limit=10)
    assert [r.phone for r in first] == ["+551100000002", "+551100000004"]
    cursor = first[-1].queue_key or first[-1].phone
    rec = world.r.get(tid, c.id, "+551100000001")
    assert world.r.reassign(rec, "n2") and not world.r.reassign(rec, "n2")  # once: it is no longer on n1
    after = world.r.pending_after(tid, c.id, "n2", cursor, limit=10)
    assert [r.phone for r in after] == ["+551100000001"]  # after n2's cursor, though its phone sorts first
    assert world.r.claim_for_send(order(c, run, "+551100000001", "n1")) == "recipient"  # planned on n1: stale
    assert world.r.claim_for_send(order(c, run, "+551100000001", "n2")) == "ok"


def test_a_recipient_queued_again_goes_last_and_a_failed_one_moves_back_with_its_counters(world):
    phones = ["+551100000001", "+551100000002"]
    c, run = running(world, numbers=("n1",), phones=phones)
    tid = c.tenant_id
    for p in phones:
        assert world.r.claim_for_send(order(c, run, p)) == "ok"
    one = world.r.get(tid, c.id, phones[0])
    assert world.r.advance(one, (dom.R_SENDING,), dom.R_UNKNOWN) == dom.R_SENDING
    assert world.r.advance(one, (dom.R_UNKNOWN,), dom.R_PENDING, to_end=True, requeued=1) == dom.R_UNKNOWN
    again = world.r.get(tid, c.id, phones[0])
    assert again.requeued == 1 and world.r.pending_after(tid, c.id, "n1", "+551100000009", limit=5) == [again]
    two = world.r.get(tid, c.id, phones[1])
    assert world.r.advance(two, (dom.R_SENDING,), dom.R_FAILED, error=dom.UNCERTAIN) == dom.R_SENDING
    assert world.r.advance(two, (dom.R_FAILED,), dom.R_PENDING, to_end=True, error=None) == dom.R_FAILED
    counters = world.c.get(tid, c.id).counters()
    assert (counters["pending"], counters["unknown"], counters["failed"], counters["sending"]) == (2, 0, 0, 0)


def test_a_halted_number_stays_halted_until_a_resume(world):
    c, _ = running(world)
    assert world.c.halt_number(c.tenant_id, c.id, "n1", "disconnected")
    assert not world.c.halt_number(c.tenant_id, c.id, "n1", "failures")
    world.c.save_number_states(c.tenant_id, c.id, [dom.NumberState("n1", last_slot=5.0, day="2026-01-01")])
    assert world.c.number_states(c.tenant_id, c.id)["n1"].halted == "disconnected"
    world.c.reset_numbers(c.tenant_id, c.id, ["n1"], outcomes=False)
    assert world.c.number_states(c.tenant_id, c.id)["n1"].halted == "disconnected"
    world.c.reset_numbers(c.tenant_id, c.id, ["n1"])
    assert world.c.number_states(c.tenant_id, c.id)["n1"].halted is None


def test_unknown_outcomes_keep_a_campaign_from_completing_and_a_completed_one_runs_again(world):
    c, run = running(world, numbers=("n1",), phones=["+551100000001"])
    assert world.r.claim_for_send(order(c, run, "+551100000001")) == "ok"
    rec = world.r.get(c.tenant_id, c.id, "+551100000001")
    world.r.advance(rec, (dom.R_SENDING,), dom.R_UNKNOWN)
    assert world.c.complete_if_running(c.tenant_id, c.id, iso(utcnow())) is None
    world.r.advance(rec, (dom.R_UNKNOWN,), dom.R_SENT)
    assert world.c.complete_if_running(c.tenant_id, c.id, iso(utcnow())).status == dom.COMPLETED
    again = world.c.rerun(c.tenant_id, c.id, "run-2")
    assert again.status == dom.RUNNING and again.run_id == "run-2" and again.completed_at is None
    assert world.c.rerun(c.tenant_id, c.id, "run-3") is None
