"""Billing rules without a table: the price book, the past-due grace and read-only rule, the banner, and the
sample events of events/stripe/ verified by the Stripe adapter (``stripe.Webhook.construct_event``) exactly as
the fake Stripe and the tests sign them."""
from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from alrea.core.clock import iso
from alrea.domain.billing import BillingState, PriceBook, banner, grace_until, local_prices
from alrea.local.fake_stripe import decode_form, sign

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "events" / "stripe").glob("*.json"))
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
SECRET = "whsec_unit"


def test_the_price_book_reads_plans_and_add_ons_both_ways():
    book = PriceBook.from_mapping({"price_a": "plan:starter", "price_b": ("add_on", "sense"),
                                   "price_c": "add_on:api"})
    assert book.read(["price_c", "price_a", "price_b", "price_unknown"]) == ("starter", ["api", "sense"])
    assert book.price_of("plan", "starter") == "price_a" and book.price_of("plan", "platinum") is None
    assert book.plans() == ["starter"] and sorted(book.add_ons()) == ["api", "sense"]
    with pytest.raises(ValueError, match="plan:<name>"):
        PriceBook.from_mapping({"price_x": "starter"})
    assert PriceBook.from_json("").by_price == PriceBook.from_mapping(local_prices()).by_price
    assert PriceBook.from_json('{"price_1": "plan:enterprise"}').plans() == ["enterprise"]


def state(**kw) -> BillingState:
    return BillingState(tenant_id="t", plan="starter", **kw)


def test_past_due_is_writable_during_the_grace_period_and_read_only_after_it():
    due = state(status="past_due", grace_until=iso(grace_until(NOW)))
    assert due.read_only_reason(NOW) is None and due.grace_days_left(NOW) == 7
    assert due.grace_days_left(NOW + timedelta(days=6, hours=1)) == 1
    assert due.read_only_reason(NOW + timedelta(days=7)) == "billing_past_due"
    assert due.grace_days_left(NOW + timedelta(days=9)) == 0
    assert state(status="active").read_only_reason(NOW + timedelta(days=99)) is None
    suspended = state(status="active", suspended_reason="contrato")
    assert suspended.read_only_reason(NOW) == "account_suspended"


def test_the_banner_names_the_days_left_then_the_read_only_mode():
    due = state(status="past_due", grace_until=iso(grace_until(NOW)))
    assert banner(state(status="active"), NOW) is None
    grace = banner(due, NOW)
    assert grace == {"kind": "grace", "read_only": False, "days_left": 7, "message": grace["message"]}
    assert "7 dias" in grace["message"]
    assert "1 dia " in banner(due, NOW + timedelta(days=6, hours=12))["message"]
    over = banner(due, NOW + timedelta(days=8))
    assert over["read_only"] is True and over["kind"] == "billing_past_due" and "somente leitura" in over["message"]
    assert banner(state(suspended_reason="x"), NOW)["kind"] == "account_suspended"


def test_stripe_form_encoding_is_decoded_into_nested_objects_and_lists():
    body = (b"mode=subscription&line_items[0][price]=p1&line_items[0][quantity]=1&line_items[1][price]=p2"
            b"&metadata[tenant_id]=t1&subscription_data[metadata][tenant_id]=t1")
    assert decode_form(body) == {"mode": "subscription", "metadata": {"tenant_id": "t1"},
                                 "line_items": [{"price": "p1", "quantity": "1"}, {"price": "p2"}],
                                 "subscription_data": {"metadata": {"tenant_id": "t1"}}}


@pytest.fixture
def provider():
    from alrea.adapters.stripe_billing import StripeProvider

    return StripeProvider(api_key="sk_test_unit", api_base="http://127.0.0.1:9", webhook_secret=SECRET,
                          tolerance_s=300)


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_every_sample_event_verifies_when_signed_like_stripe(provider, sample):
    body = sample.read_bytes()
    event = provider.verify_event(body, sign(body, SECRET))
    raw = json.loads(body)
    assert event.event_id == raw["id"] and event.type == raw["type"]
    assert event.customer_id == raw["data"]["object"]["customer"]
    assert event.subscription_id and event.subscription_id.startswith("sub_")
    if raw["data"]["object"]["object"] == "subscription":
        assert event.subscription is not None and event.subscription.price_ids
        assert event.subscription.period_end and event.subscription.status == raw["data"]["object"]["status"]


@pytest.mark.parametrize("case", ["wrong_secret", "tampered", "expired", "missing", "malformed", "not_json"])
def test_a_signature_that_is_wrong_tampered_or_expired_is_refused(provider, case):
    from alrea.ports.billing import BadSignature

    body = SAMPLES[0].read_bytes()
    header = {"wrong_secret": sign(body, "whsec_other"), "tampered": sign(body, SECRET),
              "expired": sign(body, SECRET, int(time.time()) - 301), "missing": "", "malformed": "t=abc",
              "not_json": sign(b"not json", SECRET)}[case]
    payload = {"tampered": body.replace(b"invoice", b"lnvoice", 1), "not_json": b"not json"}.get(case, body)
    with pytest.raises(BadSignature):
        provider.verify_event(payload, header)


def test_the_guard_keeps_a_writable_verdict_briefly_and_never_a_read_only_one(monkeypatch):
    from alrea.core.errors import ReadOnly
    from alrea.services import billing

    reads: list[str] = []
    now = [NOW]
    current = [state(status="active")]
    monkeypatch.setattr(billing, "_clock", lambda: now[0])
    monkeypatch.setattr(billing.store, "state_of", lambda tid: reads.append(tid) or current[0])
    billing._writable.clear()
    billing.ensure_writable("t")
    billing.ensure_writable("t")
    assert reads == ["t"]  # kept
    now[0] += timedelta(seconds=billing.GUARD_CACHE_S + 1)
    current[0] = state(status="past_due", grace_until=iso(NOW + timedelta(seconds=40)))
    billing.ensure_writable("t")  # re-read: in grace, kept only until the grace ends
    now[0] = NOW + timedelta(seconds=41)
    with pytest.raises(ReadOnly) as refused:
        billing.ensure_writable("t")
    assert refused.value.code == "billing_past_due" and refused.value.status == 402
    current[0] = state(status="active")  # paid: at once, nothing read-only was kept
    billing.ensure_writable("t")
    assert reads == ["t"] * 4
    current[0] = state(status="active", suspended_reason="x")
    billing._writable.clear()
    with pytest.raises(ReadOnly) as suspended:
        billing.ensure_writable("t")
    assert suspended.value.code == "account_suspended"
