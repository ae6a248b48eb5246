"""The campaign run's services (planner, sender, run control) on the in-memory store: the state machine's logic
without the emulator. tests/contract/test_campaign_store_contract.py holds the memory store to DynamoDB's
behaviour; tests/integration/test_campaigns_run.py runs the whole thing on moto with the Evolution simulator."""
from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest

from alrea.adapters.evolution.errors import ConnectionClosed, NumberNotOnWhatsApp, SendOutcomeUnknown, WhatsAppError
from alrea.adapters.memory.bus import MemoryBus
from alrea.adapters.memory.campaign_store import MemoryCampaignStore, recipients_view
from alrea.core.clock import iso, utcnow
from alrea.domain import campaigns as dom
from alrea.ports.pacer import PlanTask
from alrea.ports.whatsapp import SentMessage
from alrea.services import (campaign_failover, campaign_planner, campaign_reads, campaign_reconcile, campaign_runs,
                            campaign_sender, hooks)
from alrea.wiring import Runtime, set_runtime

ALWAYS = {"min_delay_s": 0, "max_delay_s": 0, "window_start": "00:00", "window_end": "00:00",
          "weekdays": list(range(7)), "daily_cap_per_number": 100000}


class FakeWhatsApp:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []
        self.fail: dict[str, Exception] = {}
        self.gone_out: dict[str, SentMessage] = {}  # sends the gateway stored though it never answered
        self.cannot_tell: Exception | None = None  # find_sent raises it

    def send_text(self, instance: str, number: str, text: str) -> SentMessage:
        if number in self.fail:
            raise self.fail[number]
        self.sent.append((instance, number, text))
        return SentMessage(id=uuid.uuid4().hex, remote_jid=number + "@s.whatsapp.net", timestamp=None, status=None)

    def find_sent(self, instance: str, number: str, *, since: float, until: float) -> list[SentMessage]:
        if self.cannot_tell is not None:
            raise self.cannot_tell
        return [self.gone_out[number]] if number in self.gone_out else []


@pytest.fixture
def w(monkeypatch):
    memory = MemoryCampaignStore()
    recipients = recipients_view(memory)
    pushed: list[dom.Campaign] = []
    alerts: list[tuple[str, str]] = []
    for module in (campaign_planner, campaign_sender, campaign_runs, campaign_reads):
        monkeypatch.setattr(module, "store", memory)
        if hasattr(module, "rstore"):
            monkeypatch.setattr(module, "rstore", recipients)
    for module in (campaign_sender, campaign_runs):
        monkeypatch.setattr(module, "push_progress", lambda c: pushed.append(c) if c else None)
    for module in (campaign_failover, campaign_reconcile):
        monkeypatch.setattr(module, "store", memory)
        monkeypatch.setattr(module, "rstore", recipients)
    monkeypatch.setattr(campaign_failover, "push_progress", lambda c: pushed.append(c) if c else None)
    monkeypatch.setattr(campaign_failover, "alert",
                        lambda tid, cid, reason, msg, paused=True: alerts.append((cid, reason)))
    failovers: list = []
    monkeypatch.setattr(campaign_failover, "hooks", SimpleNamespace(CampaignFailedOver=hooks.CampaignFailedOver,
                                                                    campaign_failed_over=failovers.append))
    states: dict[str, str] = {}  # instance id -> connection state (default open)
    connected: dict[str, str] = {}  # instance id -> connected_at
    fake_instances = SimpleNamespace(get=lambda tid, iid: SimpleNamespace(
        evolution_name="evo-" + iid, name="Número " + iid, state=states.get(iid, "open"),
        connected_at=connected.get(iid)))
    for module in (campaign_sender, campaign_failover, campaign_reconcile):
        monkeypatch.setattr(module, "instance_store", fake_instances)
    finished: list = []  # the completion fact, whose listeners (notifications, webhooks) live in the store
    facts: list = []  # the run facts (started, paused), for the webhook events
    # the read-only guard reads the tenant item: a paying tenant here (tests/integration/test_stripe_billing.py)
    monkeypatch.setattr(campaign_runs, "billing", SimpleNamespace(ensure_writable=lambda tenant_id: None))
    monkeypatch.setattr(campaign_runs, "hooks", SimpleNamespace(
        CampaignFinished=hooks.CampaignFinished, campaign_finished=finished.append,
        CampaignStarted=hooks.CampaignStarted, campaign_started=facts.append,
        CampaignPaused=hooks.CampaignPaused, campaign_paused=facts.append))
    wa, bus = FakeWhatsApp(), MemoryBus()
    rt = Runtime(bus=bus, push=None, pacer=None, whatsapp=wa, storage=None)
    set_runtime(rt)
    yield SimpleNamespace(rt=rt, memory=memory, r=recipients, wa=wa, bus=bus, pushed=pushed, alerts=alerts,
                          finished=finished, facts=facts, failovers=failovers, states=states, connected=connected)
    set_runtime(None)


def campaign(w, n: int, *, numbers=("n1", "n2"), text="Oi {{nome}}") -> tuple[dom.Campaign, list[str]]:
    tid = str(uuid.uuid4())
    c = w.memory.create(dom.Campaign(id=str(uuid.uuid4()), tenant_id=tid, name="C", created_at=iso(utcnow()),
                                     instance_ids=list(numbers), variants=[{"text": text}], pacing=ALWAYS,
                                     timezone="America/Sao_Paulo"))
    c = w.memory.start_run(tid, c.id, "run-1", iso(utcnow()))
    phones = [f"+55119{i:08d}" for i in range(n)]
    total = campaign_runs.materialise(c, ({"phone": p, "name": f"Pessoa {i}"} for i, p in enumerate(phones)))
    w.memory.add_counters(tid, c.id, {"total": total, "pending": total})
    return w.memory.get(tid, c.id), phones


def plan(c: dom.Campaign, round_: int, **kw):
    return campaign_planner.plan(PlanTask(c.tenant_id, c.id, c.run_id, round_), **kw)


def orders(w) -> list[dict]:
    out = []
    while True:
        got = w.bus.receive("campaign_send_message", max_messages=10, wait_s=0)
        if not got:
            return out
        for d in got:
            out.append(d.json())
            w.bus.ack(d)


def send_all(w, messages, **kw) -> list[str]:
    batch = campaign_sender.SendBatch()
    results = [campaign_sender.handle_message(m, 1, batch, **kw) for m in messages]
    batch.flush()
    return results


def test_materialise_spreads_recipients_over_the_numbers_and_keeps_sticky_ones(w):
    c, phones = campaign(w, 4)
    assert {r.instance_id for r in w.memory.iter_all(c.tenant_id, c.id)} == {"n1", "n2"}
    w.memory.set_sticky(c.tenant_id, "+5511900000099", "n2")
    again = w.memory.start_run(c.tenant_id, w.memory.create(dom.Campaign(
        id="c2", tenant_id=c.tenant_id, name="D", created_at="x", instance_ids=["n1", "n2"])).id, "r", "x")
    campaign_runs.materialise(again, [{"phone": "+5511900000099"}, {"phone": "+5511900000099"}])
    (only,) = list(w.memory.iter_all(c.tenant_id, "c2"))
    assert only.instance_id == "n2" and only.sticky_known


def test_a_round_renders_each_message_and_moves_the_cursor_not_the_recipients(w):
    c, phones = campaign(w, 5)
    answer = plan(c, 1)
    sent = orders(w)
    assert len(sent) == 5 and not answer.done
    assert all(m["text"].startswith("Oi Pessoa") and m["run_id"] == "run-1" for m in sent)
    assert all(r.status == dom.R_PENDING for r in w.memory.iter_all(c.tenant_id, c.id))  # no write per recipient
    states = w.memory.number_states(c.tenant_id, c.id)
    assert {s.after_run for s in states.values()} == {"run-1"}
    plan(c, 2)
    assert orders(w) == []  # the next round continues after the cursor: nothing planned twice


def test_send_once_complete_with_counters_chart_and_rings_per_batch(w):
    c, phones = campaign(w, 6)
    plan(c, 1)
    messages = orders(w)
    assert send_all(w, messages) == ["sent"] * 6
    assert send_all(w, messages) == ["duplicate"] * 6  # redelivered: nothing twice
    assert len(w.wa.sent) == 6
    counters = w.memory.get(c.tenant_id, c.id).counters()
    assert counters["sent"] == 6 and counters["pending"] == 0 and counters["sending"] == 0
    assert sum(b["sent"] for b in w.memory.timeline(c.tenant_id, c.id)) == 6
    assert sorted(len(s.recent) for s in w.memory.number_states(c.tenant_id, c.id).values()) == [3, 3]
    assert len(w.pushed) == 1  # one push per batch that moved something, not per message
    assert plan(c, 2).done and w.memory.get(c.tenant_id, c.id).status == dom.COMPLETED
    assert [(f.campaign_id, f.outcome) for f in w.finished] == [(c.id, "completed")]


def test_a_paused_run_claims_nothing_and_the_next_run_plans_again(w):
    c, phones = campaign(w, 4)
    plan(c, 1)
    messages = orders(w)
    campaign_runs.pause_campaign(c.tenant_id, c.id)
    assert send_all(w, messages) == ["stopped"] * 4 and w.wa.sent == []
    w.memory.reset_numbers(c.tenant_id, c.id, ["n1", "n2"])
    resumed = w.memory.resume(c.tenant_id, c.id, "run-2")
    plan(resumed, 1)
    again = orders(w)
    assert {m["phone"] for m in again} == set(phones) and {m["run_id"] for m in again} == {"run-2"}
    assert send_all(w, messages + again) == ["stopped"] * 4 + ["sent"] * 4
    assert sorted(n for _, n, _ in w.wa.sent) == sorted(p.lstrip("+") for p in phones)


def test_a_manual_pause_and_a_resume_emit_their_facts_but_an_automatic_pause_does_not(w):
    from alrea.domain.roles import Principal

    c, _ = campaign(w, 2)
    started: list = []
    w.rt.pacer = SimpleNamespace(start=lambda tid, cid, run: started.append(run))
    who = Principal(tenant_id=c.tenant_id, user_id="apikey:k1", role="admin", name="API: ERP")
    paused = campaign_runs.pause(who, c.id)
    resumed = campaign_runs.resume(who, c.id)
    campaign_runs.pause_campaign(c.tenant_id, c.id, reason="Pausada automaticamente")  # CampaignFinished's
    assert [type(f).__name__ for f in w.facts] == ["CampaignPaused", "CampaignStarted"]
    pause_fact, start_fact = w.facts
    assert (pause_fact.campaign_id, pause_fact.run_id, pause_fact.by) == (c.id, "run-1", "API: ERP")
    assert pause_fact.at == paused.paused_at and pause_fact.name == "C"
    assert start_fact.resumed and start_fact.run_id == resumed.run_id == started[0] != "run-1"
    assert start_fact.total == 2


def test_outcomes_unknown_skipped_failed_and_retry_later(w, monkeypatch):
    monkeypatch.setattr(campaign_sender, "retry_delay_s", lambda attempt: 0)
    c, phones = campaign(w, 4, numbers=("n1",))
    plan(c, 1)
    messages = orders(w)
    digits = [p.lstrip("+") for p in phones]
    w.wa.fail = {digits[0]: SendOutcomeUnknown("timeout"), digits[1]: NumberNotOnWhatsApp(digits[1]),
                 digits[2]: WhatsAppError("bad request"), digits[3]: ConnectionClosed("closed")}
    batch = campaign_sender.SendBatch()
    results = [campaign_sender.handle_message(m, 1, batch) for m in messages]
    batch.flush()
    assert results == ["unknown", "skipped", "failed", "retry"]
    statuses = {r.phone: r.status for r in w.memory.iter_all(c.tenant_id, c.id)}
    assert [statuses[p] for p in phones] == [dom.R_UNKNOWN, dom.R_SKIPPED, dom.R_FAILED, dom.R_PENDING]
    counters = w.memory.get(c.tenant_id, c.id).counters()
    assert (counters["unknown"], counters["skipped"], counters["failed"], counters["pending"],
            counters["sending"]) == (1, 1, 1, 1, 0)
    (again,) = orders(w)  # nothing went out: the same order is published again, delayed, next attempt
    assert again["phone"] == phones[3] and again["attempt"] == 2
    w.wa.fail = {}
    assert campaign_sender.handle_message(again, 1) == "sent"  # the retry claims it again


def test_failures_on_a_number_pause_the_campaign_once_per_batch(w):
    c, phones = campaign(w, 8, numbers=("n1",))
    plan(c, 1)
    w.wa.fail = {p.lstrip("+"): WhatsAppError("falhou") for p in phones}
    assert send_all(w, orders(w)) == ["failed"] * 8
    paused = w.memory.get(c.tenant_id, c.id)
    assert paused.status == dom.PAUSED and "falhas" in paused.failure_reason
    assert w.alerts == [(c.id, "failures")]


def test_lost_messages_are_planned_again_and_stale_sends_turn_unknown(w):
    c, phones = campaign(w, 2, numbers=("n1",))
    plan(c, 1)
    messages = orders(w)
    send_all(w, messages[:1])  # the other message is lost
    later = utcnow() + timedelta(seconds=campaign_planner.STALE_QUEUED_S + 60)
    assert not plan(c, 2, now=later).done  # replans the lost one
    assert not plan(c, 3, now=later).done
    (again,) = orders(w)
    assert again["phone"] == phones[1]
    # a sender that died after its claim: the recipient turns unknown, never resent
    assert w.r.claim_for_send(dom.SendOrder.from_message(again)) == "ok"
    much_later = later + timedelta(seconds=campaign_planner.STALE_SENDING_S + 60)
    plan(c, 4, now=much_later)
    # unknown; the gateway, asked (no echo came), has no such message: queued again, once
    rec = w.memory.get_recipient(c.tenant_id, c.id, phones[1])
    assert rec.status == dom.R_PENDING and rec.requeued == 1 and not w.wa.sent[1:]


def test_an_invocation_claims_its_messages_together_and_settles_them_together(w):
    c, phones = campaign(w, 5)
    plan(c, 1)
    messages = orders(w)
    stale = {**messages[0], "run_id": "old-run"}
    bodies = {f"m{i}": m for i, m in enumerate(messages)} | {"dup": messages[1], "stale": stale}
    batch = campaign_sender.SendBatch()
    batch.prepare(bodies)
    results = {k: campaign_sender.handle_message(b, 1, batch, k) for k, b in bodies.items()}
    assert [results[f"m{i}"] for i in range(5)] == ["sent"] * 5
    assert results["dup"] == "duplicate" and results["stale"] == "duplicate"  # m0 was claimed first
    assert {r.status for r in w.memory.iter_all(c.tenant_id, c.id)} == {dom.R_SENDING}  # written at the end
    batch.flush()
    assert {r.status for r in w.memory.iter_all(c.tenant_id, c.id)} == {dom.R_SENT}
    assert w.memory.get(c.tenant_id, c.id).counters()["sent"] == 5 and len(w.wa.sent) == 5


def unknown_recipient(w, n: int = 2):
    """A campaign whose first recipient's send got no answer (the outcome is unknown)."""
    c, phones = campaign(w, n, numbers=("n1",))
    plan(c, 1)
    messages = orders(w)
    w.wa.fail = {phones[0].lstrip("+"): SendOutcomeUnknown("timeout")}
    send_all(w, messages)
    w.wa.fail = {}
    assert w.memory.get_recipient(c.tenant_id, c.id, phones[0]).status == dom.R_UNKNOWN
    return c, phones


def later(seconds: float):
    return utcnow() + timedelta(seconds=seconds)


def test_an_unknown_send_the_gateway_has_is_sent_and_the_campaign_waits_for_it(w):
    c, phones = unknown_recipient(w)
    # before the echo had its time, nobody asks, and the campaign does not complete
    assert not plan(c, 2).done and w.memory.get(c.tenant_id, c.id).status == dom.RUNNING
    w.wa.gone_out[phones[0].lstrip("+")] = SentMessage(id="WAMID1", remote_jid="x", timestamp=None, status=None)
    assert not plan(c, 3, now=later(campaign_reconcile.reconcile_after_s() + 1)).done
    rec = w.memory.get_recipient(c.tenant_id, c.id, phones[0])
    assert (rec.status, rec.wamid) == (dom.R_SENT, "WAMID1")
    assert plan(c, 4).done and w.memory.get(c.tenant_id, c.id).counters()["sent"] == 2
    assert len(w.wa.sent) == 1  # the unknown one was never sent again


def test_an_unknown_send_the_gateway_does_not_have_is_sent_again_then_uncertain(w):
    c, phones = unknown_recipient(w)
    for attempt in range(1, campaign_reconcile.MAX_REQUEUES + 2):
        plan(c, 2 * attempt, now=later(attempt * campaign_reconcile.reconcile_after_s() + 1))
        rec = w.memory.get_recipient(c.tenant_id, c.id, phones[0])
        if attempt > campaign_reconcile.MAX_REQUEUES:
            break
        assert rec.status == dom.R_PENDING and rec.requeued == attempt
        plan(c, 2 * attempt + 1)
        (again,) = orders(w)  # the next round plans it (it sorts after the number's cursor)
        assert again["phone"] == phones[0]
        w.wa.fail = {phones[0].lstrip("+"): SendOutcomeUnknown("timeout again")}
        send_all(w, [again])
    assert rec.status == dom.R_FAILED and rec.error == dom.UNCERTAIN
    assert dom.recipient_json(rec)["uncertain"] is True
    assert plan(c, 50).done
    # a person sends the uncertain ones again: the finished campaign runs again for them
    starts = []
    set_runtime(Runtime(bus=w.bus, push=None, pacer=SimpleNamespace(start=lambda *a: starts.append(a)),
                        whatsapp=w.wa, storage=None))
    assert campaign_reconcile.retry_uncertain(c.tenant_id, c.id) == 1
    rerun = w.memory.get(c.tenant_id, c.id)
    assert rerun.status == dom.RUNNING and starts == [(c.tenant_id, c.id, rerun.run_id)]
    assert rerun.counters()["failed"] == 0 and rerun.counters()["pending"] == 1


def test_a_gateway_that_cannot_tell_is_asked_again_then_the_outcome_is_uncertain(w):
    c, phones = unknown_recipient(w)
    w.wa.cannot_tell = ConnectionClosed("closed")
    plan(c, 2, now=later(campaign_reconcile.reconcile_after_s() + 1))
    assert w.memory.get_recipient(c.tenant_id, c.id, phones[0]).status == dom.R_UNKNOWN
    plan(c, 3, now=later(campaign_reconcile.give_up_s() + 1))
    rec = w.memory.get_recipient(c.tenant_id, c.id, phones[0])
    assert rec.status == dom.R_FAILED and rec.error == dom.UNCERTAIN


def test_a_number_that_drops_hands_its_recipients_to_the_others(w):
    c, phones = campaign(w, 10, numbers=("n1", "n2"))
    plan(c, 1)
    messages = orders(w)
    on_n1 = [m for m in messages if m["instance_id"] == "n1"]
    send_all(w, on_n1[:1])
    w.states["n1"] = "close"
    assert campaign_failover.fail_over(c.tenant_id, c.id, "n1", "disconnected") == "moved"
    assert campaign_failover.fail_over(c.tenant_id, c.id, "n1", "disconnected") == "ignored"  # once
    moved = [r for r in w.memory.iter_all(c.tenant_id, c.id) if r.status == dom.R_PENDING and r.instance_id == "n2"
             and r.phone in {m["phone"] for m in on_n1}]
    assert len(moved) == len(on_n1) - 1
    assert all(w.memory.sticky[(c.tenant_id, r.phone)] == "n2" for r in moved)
    assert w.alerts == [(c.id, "failover")] and w.failovers[0].moved == len(moved)
    # the old number's planned messages claim nothing now; the next rounds plan them on n2
    assert set(send_all(w, on_n1[1:])) == {"duplicate"}
    send_all(w, [m for m in messages if m["instance_id"] == "n2"])
    for round_ in range(2, 6):
        plan(c, round_)
        send_all(w, orders(w))
    assert w.memory.get(c.tenant_id, c.id).status == dom.COMPLETED
    assert sorted(n for _, n, _ in w.wa.sent) == sorted(p.lstrip("+") for p in phones)  # each once
    assert {i for i, n, _ in w.wa.sent if n in {m["phone"].lstrip("+") for m in on_n1[1:]}} == {"evo-n2"}


def test_the_last_number_dropping_pauses_the_campaign(w):
    c, phones = campaign(w, 3, numbers=("n1",))
    assert campaign_failover.fail_over(c.tenant_id, c.id, "n1", "disconnected") == "paused"
    paused = w.memory.get(c.tenant_id, c.id)
    assert paused.status == dom.PAUSED and "desconectou" in paused.failure_reason
    assert w.alerts == [(c.id, "disconnected")]


def test_a_number_warming_up_never_exceeds_its_ramp_in_a_day(w):
    from datetime import datetime

    c, phones = campaign(w, 120, numbers=("n1", "n2"))
    tz = dom.zone(c.timezone)
    start = datetime(2026, 12, 1, 12, 0, tzinfo=tz)  # noon: both numbers open all day (ALWAYS)
    w.connected["n1"] = (start - timedelta(days=1)).isoformat()  # day 2 of its warm-up: 40 a day
    pacing = dom.Pacing.parse(c.pacing)
    assert pacing.cap_on(start.date().isoformat(), (start - timedelta(days=1)).date().isoformat()) == 40
    slots: dict[str, list[float]] = {"n1": [], "n2": []}
    now = start
    for round_ in range(1, 8):
        plan(c, round_, now=now)
        for m in orders(w):
            slots[m["instance_id"]].append(m["slot"])
            w.r.claim_for_send(dom.SendOrder.from_message(m))  # claimed: not planned again
        now += timedelta(minutes=20)
    per_day: dict[tuple[str, str], int] = {}
    for iid, values in slots.items():
        for at in values:
            day = datetime.fromtimestamp(at, tz).date().isoformat()
            per_day[(iid, day)] = per_day.get((iid, day), 0) + 1
    assert per_day[("n1", "2026-12-01")] == 40  # its ramp, not the campaign's cap
    assert all(n <= 40 for (iid, _), n in per_day.items() if iid == "n1")
    assert per_day[("n2", "2026-12-01")] == 60  # a number connected long ago is not held back
