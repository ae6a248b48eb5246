"""Routing a new message's conversation and what its transaction writes: pure decisions, no emulator.

``inbox.route_for_message`` decides from the conversation as read and the batch's cached reads (a fake batch
here); ``store.conversations.message_write`` / ``load_moves`` compute the conversation's new state and the agents'
counter moves without calling DynamoDB.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from alrea.domain.conversations import Conversation, InboxSettings, Route
from alrea.services import inbox
from alrea.store import conversations

TID, IID, DEPT = "t1", "i1", "d1"


@dataclass
class Person:
    user_id: str
    name: str
    role: str = "agent"
    department_id: str | None = DEPT
    active: bool = True
    away: bool = False


class FakeBatch:
    def __init__(self, *, department=DEPT, auto_assign=False, people=(), online=(), loads=None):
        self.values = {("default_department", TID, IID): department,
                       ("inbox_settings", TID): InboxSettings(auto_assign=auto_assign),
                       # the number's effective switch (its own override, else the tenant's setting)
                       ("auto_assign", TID, IID): auto_assign,
                       ("users", TID): list(people), ("agent_loads", TID): dict(loads or {})}
        self.online = set(online)
        self.reads: list = []

    def once(self, key, load):
        self.reads.append(key)
        return self.values[key]

    def members(self, group):
        return ["conn"] if group.rsplit(":", 1)[-1] in self.online else []


def conv(**fields) -> Conversation:
    return Conversation(id="c1", tenant_id=TID, instance_id=IID, chat_jid="5511@s.whatsapp.net", **fields)


def test_a_new_conversation_goes_to_the_default_department():
    assert inbox.route_for_message(FakeBatch(), TID, None, IID, inbound=True) == Route(DEPT, None, None, False)


def test_a_routed_open_conversation_reads_nothing_and_stays():
    batch = FakeBatch()
    assert inbox.route_for_message(batch, TID, conv(department_id=DEPT, status="pending"), IID, inbound=True) is None
    assert batch.reads == []


def test_a_closed_conversation_reopens_on_a_customer_message_only():
    closed = conv(department_id=DEPT, assigned_user_id="u1", assigned_user_name="Ana", status="closed")
    assert inbox.route_for_message(FakeBatch(), TID, closed, IID, inbound=True) == Route(DEPT, "u1", "Ana", False)
    assert inbox.route_for_message(FakeBatch(), TID, closed, IID, inbound=False) is None


def test_no_department_no_route():
    assert inbox.route_for_message(FakeBatch(department=None), TID, None, IID, inbound=True) is None


def test_auto_assignment_spreads_a_batch_over_the_least_busy_online_agents():
    people = [Person("u1", "Ana"), Person("u2", "Bia"), Person("u3", "Caio"), Person("u4", "Duda", away=True)]
    batch = FakeBatch(auto_assign=True, people=people, online={"u1", "u2", "u4"}, loads={"u1": 2, "u2": 3})
    picked = [inbox.route_for_message(batch, TID, None, IID, inbound=True).assigned_user_id for _ in range(3)]
    assert picked == ["u1", "u1", "u2"]  # u3 offline, u4 away; the batch's own assignments count


def test_an_outbound_message_is_never_auto_assigned():
    batch = FakeBatch(auto_assign=True, people=[Person("u1", "Ana")], online={"u1"})
    assert inbox.route_for_message(batch, TID, None, IID, inbound=False) == Route(DEPT, None, None, False)


@pytest.mark.parametrize("before,route,moves", [
    (None, Route(DEPT, "u1", "Ana"), {"u1": 1}),
    (None, Route(DEPT, None, None), {}),
    ("closed-u1", Route(DEPT, "u1", "Ana"), {"u1": 1}),
    ("open-u1", Route(DEPT, "u2", "Bia"), {"u1": -1, "u2": 1}),
    ("open-u1", None, {}),
], ids=["new-assigned", "new-queued", "reopen-assigned", "reassigned", "no-route"])
def test_agent_load_moves(before, route, moves):
    states = {"closed-u1": conv(department_id=DEPT, assigned_user_id="u1", status="closed"),
              "open-u1": conv(department_id=DEPT, assigned_user_id="u1", status="open")}
    assert conversations.load_moves(states.get(before), route) == moves


def test_message_write_computes_the_conversation_it_leaves():
    before = conv(department_id=DEPT, status="pending", inbound_count=2, waiting_since="2026-01-01T10:00:00.000Z",
                  last_message_at="2026-01-01T10:05:00.000Z")
    common = dict(tenant_id=TID, cid="c1", instance_id=IID, chat_jid="5511@s.whatsapp.net", is_group=False,
                  preview="oi", direction="in", wamid="W1", now="2026-01-01T11:00:00.000Z")
    _, _, _, after = conversations.message_write(before, at="2026-01-01T10:10:00.000Z", inbound=True,
                                                 answered=False, **common)
    assert (after.inbound_count, after.waiting_since, after.last_message_id) == (3, before.waiting_since, "W1")
    assert after.activity_key == "2026-01-01T10:10:00.000Z#c1"
    # an older message processed late counts, but does not take over the preview
    _, _, _, late = conversations.message_write(before, at="2026-01-01T09:00:00.000Z", inbound=True,
                                                answered=False, **common)
    assert (late.inbound_count, late.last_message_at) == (3, before.last_message_at)
    # our answer ends the wait
    _, _, _, answered = conversations.message_write(before, at="2026-01-01T10:20:00.000Z", inbound=False,
                                                    answered=True, **{**common, "direction": "out"})
    assert answered.waiting_since is None and answered.inbound_count == 2
