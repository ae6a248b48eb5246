"""store/billing.py on DynamoDB (moto over HTTP): event claims (replays, a crashed handler's claim taken again
after its timeout), the customer pointer written once, a subscription applied in one update that keeps the
tenant's other attributes."""
from __future__ import annotations

import uuid

from alrea.store import billing as store


def test_an_event_is_claimed_once_and_a_dead_claim_is_taken_again_after_its_timeout(aws):
    event, now = f"evt_{uuid.uuid4().hex}", 1_800_000_000
    assert store.claim_event(event, "invoice.paid", at="t", now_s=now) is True
    assert store.claim_event(event, "invoice.paid", at="t", now_s=now + 10) is False  # being handled
    late = now + store.CLAIM_TIMEOUT_S + 1
    assert store.claim_event(event, "invoice.paid", at="t", now_s=late) is True  # its handler died
    store.finish_event(event)
    assert store.claim_event(event, "invoice.paid", at="t", now_s=late + 10_000) is False  # handled: a replay
    released = f"evt_{uuid.uuid4().hex}"
    assert store.claim_event(released, "invoice.paid", at="t", now_s=now)
    store.release_event(released)  # the handler raised: Stripe's retry is handled
    assert store.claim_event(released, "invoice.paid", at="t", now_s=now + 1) is True


def test_the_customer_is_linked_once_and_a_subscription_keeps_the_other_attributes(client, tenant_a):
    tid = tenant_a.tenant_id
    assert store.link_customer(tid, "cus_first") == "cus_first"
    assert store.link_customer(tid, "cus_second") == "cus_first"  # a concurrent checkout's customer loses
    assert store.tenant_of_customer("cus_first") == tid and store.tenant_of_customer("cus_second") is None
    store.record_subscription(tid, plan="starter", limits={"max_users": 7}, add_ons=["sense"], status="active",
                              subscription_id="sub_1", period_end="2027-01-01T00:00:00.000Z", at="now")
    me = tenant_a.get("/api/me").json()
    assert me["tenant"]["plan"] == "starter" and me["tenant"]["limits"]["max_users"] == 7
    assert me["tenant"]["name"] == "Empresa A" and me["tenant"]["usage"]["users"] == 1  # untouched
    state = store.state_of(tid)
    assert (state.customer_id, state.subscription_id, state.add_ons) == ("cus_first", "sub_1", ("sense",))
