"""Campaign domain: rendering, statuses, counters, and the window planner on a fake clock."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from alrea.core.errors import Conflict, Invalid
from alrea.domain import campaigns as dom

SP = dom.zone("America/Sao_Paulo")  # UTC-3, no DST
MARIA = {"name": "Maria Souza", "phone": "+5511912345678", "email": "maria@x.com", "fields": {"Cidade": "Recife"}}


def at_local(y, m, d, hh, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SP).astimezone(UTC)


# ---------------------------------------------------------------- rendering
def test_variables_fallbacks_and_missing():
    text, missing = dom.render("Olá {{nome}} de {{cidade}}! {{empresa|nossa loja}} {{cupom}}", MARIA)
    assert text == "Olá Maria de Recife! nossa loja"
    assert missing == ["cupom"]
    text, missing = dom.render("Oi {{ nome | cliente }}", {"phone": "+551100000000"})
    assert (text, missing) == ("Oi cliente", [])


def test_spintax_picks_each_option_and_leaves_variables_alone():
    seen = {dom.render("{Oi|Olá|E aí} {{nome|cliente}}", MARIA, random.Random(i))[0] for i in range(60)}
    assert seen == {"Oi Maria", "Olá Maria", "E aí Maria"}
    nested = {dom.spin("{a|{b|c}}", random.Random(i)) for i in range(60)}
    assert nested == {"a", "b", "c"}


def test_unbalanced_braces_are_refused():
    with pytest.raises(Invalid):
        dom.check_template("Oi {{nome}")


def test_opt_out_keywords_ignore_case_accents_and_punctuation():
    assert dom.is_opt_out(" sair! ")
    assert dom.is_opt_out("Cancelár")
    assert not dom.is_opt_out("quero sair da lista amanhã")
    assert dom.is_opt_out("basta", ["BASTA"])


# ---------------------------------------------------------------- statuses
def test_campaign_transitions():
    dom.check_transition(dom.RUNNING, dom.PAUSED)
    dom.check_transition(dom.PAUSED, dom.RUNNING)
    for current, target in ((dom.COMPLETED, dom.RUNNING), (dom.DRAFT, dom.PAUSED), (dom.CANCELLED, dom.RUNNING)):
        with pytest.raises(Conflict):
            dom.check_transition(current, target)


def test_counter_deltas_keep_a_cumulative_funnel():
    assert dom.counter_deltas("pending", "queued") == {"pending": -1, "queued": 1}
    assert dom.counter_deltas("sending", "sent") == {"sending": -1, "sent": 1}
    assert dom.counter_deltas("sent", "read") == {"delivered": 1, "read": 1}
    assert dom.counter_deltas("delivered", "replied") == {"read": 1, "replied": 1}  # a reply implies read
    assert dom.counter_deltas("unknown", "sent") == {"unknown": -1, "sent": 1}
    assert dom.counter_deltas("queued", "opted_out") == {"queued": -1, "opted_out": 1}


def test_pacing_validation():
    with pytest.raises(Invalid):
        dom.Pacing.parse({"min_delay_s": 10, "max_delay_s": 5})
    with pytest.raises(Invalid):
        dom.Pacing.parse({"window_start": "25:00"})
    with pytest.raises(Invalid):
        dom.Pacing.parse({"weekdays": []})
    assert dom.Pacing.parse({"window_end": "00:00", "window_start": "08:00"}).window_end == "00:00"


# ---------------------------------------------------------------- planner
def plan(pending, pacing, now, numbers=None, **kw):
    return dom.plan_window(pending, numbers or {}, pacing, SP, now, random.Random(7), **kw)


def test_slots_respect_the_delay_range_per_number():
    pacing = dom.Pacing(min_delay_s=20, max_delay_s=40, window_start="08:00", window_end="20:00",
                        weekdays=tuple(range(7)))
    now = at_local(2026, 11, 24, 10)
    result = plan({"A": [f"+55{i}" for i in range(50)], "B": [f"+56{i}" for i in range(50)]}, pacing, now)
    for iid in ("A", "B"):
        times = [s.at for s in result.slots if s.instance_id == iid]
        assert times[0] == now.timestamp()
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert gaps and all(20 <= g <= 40 for g in gaps), gaps
        assert times[-1] <= now.timestamp() + 900  # within the 15-minute horizon
    assert result.next_at is not None and result.next_at > now.timestamp()


def test_closed_window_plans_nothing_now_and_waits_for_the_opening():
    pacing = dom.Pacing(min_delay_s=0, max_delay_s=1, window_start="08:00", window_end="20:00",
                        weekdays=(0, 1, 2, 3, 4))
    friday_night = at_local(2026, 11, 27, 21)  # Friday 21:00 → next window Monday 08:00
    result = plan({"A": ["+1", "+2"]}, pacing, friday_night)
    assert result.slots == []
    monday = at_local(2026, 11, 30, 8)
    assert result.next_at == monday.timestamp() - 30
    early = plan({"A": ["+1"]}, pacing, monday - timedelta(minutes=5))  # 5 min before opening: within horizon
    assert [s.at for s in early.slots] == [monday.timestamp()]


def test_window_end_stops_slots_and_moves_to_the_next_day():
    pacing = dom.Pacing(min_delay_s=60, max_delay_s=60, window_start="08:00", window_end="20:00",
                        weekdays=tuple(range(7)))
    now = at_local(2026, 11, 24, 19, 58)
    result = plan({"A": [f"+{i}" for i in range(5)]}, pacing, now)
    assert [datetime.fromtimestamp(s.at, UTC).astimezone(SP).strftime("%H:%M") for s in result.slots] == \
        ["19:58", "19:59"]
    assert result.next_at == at_local(2026, 11, 25, 8).timestamp() - 30


def test_daily_cap_per_number():
    pacing = dom.Pacing(min_delay_s=0, max_delay_s=0, daily_cap_per_number=3, weekdays=tuple(range(7)))
    now = at_local(2026, 11, 24, 10)
    state = dom.NumberState("A", last_slot=now.timestamp() - 5, day="2026-11-24", day_count=1)
    result = plan({"A": ["+1", "+2", "+3", "+4"]}, pacing, now, {"A": state})
    assert len(result.slots) == 2  # 1 already today + 2 = the cap of 3
    assert result.numbers["A"].day_count == 3
    tomorrow = plan({"A": ["+3"]}, pacing, at_local(2026, 11, 25, 8), result.numbers)
    assert len(tomorrow.slots) == 1 and tomorrow.numbers["A"].day_count == 1


def test_max_sends_is_shared_round_robin_and_zero_delay_replans_at_once():
    pacing = dom.Pacing(min_delay_s=0, max_delay_s=0, weekdays=tuple(range(7)))
    now = at_local(2026, 11, 24, 10)
    result = plan({"A": [f"+1{i}" for i in range(80)], "B": [f"+2{i}" for i in range(80)]}, pacing, now,
                  max_sends=100)
    counts = {iid: sum(s.instance_id == iid for s in result.slots) for iid in "AB"}
    assert counts == {"A": 50, "B": 50}
    assert dom.wait_seconds(result.next_at, now) == 0


def test_auto_pause_ring():
    state = dom.NumberState("A")
    for failed in [0, 1, 1, 0, 1, 1]:
        dom.record_outcome(state, bool(failed))
    assert not dom.should_auto_pause(state.recent)
    dom.record_outcome(state, True)
    assert dom.should_auto_pause(state.recent)
    for _ in range(10):
        dom.record_outcome(state, False)
    assert len(state.recent) == dom.AUTO_PAUSE_WINDOW and not dom.should_auto_pause(state.recent)


def test_eta_counts_only_window_time():
    pacing = dom.Pacing(min_delay_s=60, max_delay_s=60, window_start="08:00", window_end="09:00",
                        weekdays=tuple(range(7)))
    now = at_local(2026, 11, 24, 8)
    eta = dom.estimate_eta(120, 1, pacing, SP, now)
    assert eta is not None and eta.astimezone(SP).date().isoformat() == "2026-11-25"


def test_warm_up_ramp_doubles_daily_up_to_the_cap_and_ends():
    p = dom.Pacing.parse({"daily_cap_per_number": 150})
    assert [p.cap_on(f"2026-12-{d:02d}", "2026-12-01") for d in (1, 2, 3, 4, 5)] == [20, 40, 80, 150, 150]
    assert p.cap_on("2026-12-15", "2026-12-01") == 150  # 14 days on: no ramp (the cap anyway)
    assert p.cap_on("2026-12-01", None) == 150  # not known to be new: no ramp
    assert dom.Pacing.parse({"warmup": False}).cap_on("2026-12-01", "2026-12-01") == 500
    tight = dom.Pacing.parse({"warmup_first_day": 5, "warmup_days": 3, "daily_cap_per_number": 1000})
    assert [tight.cap_on(f"2026-12-0{d}", "2026-12-01") for d in (1, 2, 3, 4)] == [5, 10, 20, 1000]
    with pytest.raises(Invalid):
        dom.Pacing.parse({"warmup_days": 0})
