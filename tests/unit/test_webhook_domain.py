"""Outbound webhook rules: the signature, the retry schedule, the targets a webhook may have."""
from __future__ import annotations

import hashlib
import hmac

import pytest

from alrea.domain import webhooks as dom


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    body = b'{"id":"e1","type":"message.received"}'
    header = dom.signature("whsec_abc", 1700000000, body)
    expected = hmac.new(b"whsec_abc", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"
    assert dom.verify("whsec_abc", header, body, now=1700000100)
    assert not dom.verify("whsec_abc", header, body, now=1700000000 + 301)  # too old: a replayed request
    assert not dom.verify("whsec_abc", header, body + b"x", now=1700000000)
    assert not dom.verify("whsec_abc", "v1=deadbeef", body, now=1700000000)


def test_the_same_fact_is_the_same_event_and_delivery():
    a = dom.event_id("t1", "message.received", "inst", "wamid")
    assert a == dom.event_id("t1", "message.received", "inst", "wamid")
    assert a != dom.event_id("t2", "message.received", "inst", "wamid")
    assert dom.delivery_id("ep1", a) != dom.delivery_id("ep2", a)


def test_retries_back_off_exponentially_with_jitter_over_about_a_day():
    low = [dom.retry_delay_s(n, rand=lambda: 0.0) for n in range(1, dom.MAX_ATTEMPTS)]
    high = [dom.retry_delay_s(n, rand=lambda: 1.0) for n in range(1, dom.MAX_ATTEMPTS)]
    assert all(b >= a for a, b in zip(low, low[1:]))
    assert sum(low) == pytest.approx(0.8 * sum(dom.RETRY_SCHEDULE_S))
    assert sum(high) == pytest.approx(1.2 * sum(dom.RETRY_SCHEDULE_S))
    assert 20 * 3600 <= sum(dom.RETRY_SCHEDULE_S) <= 26 * 3600
    assert dom.retry_delay_s(dom.MAX_ATTEMPTS) is None and dom.retry_delay_s(0) is None
    assert dom.retry_delay_s(3, scale=0) == 0


@pytest.mark.parametrize("url,allowed", [
    ("https://hooks.example.com/x", True), ("https://93.184.216.34/x", True),
    ("http://hooks.example.com/x", False), ("https://127.0.0.1/x", False), ("https://localhost/x", False),
    ("https://10.0.0.8/x", False), ("https://192.168.0.1/x", False), ("https://169.254.169.254/x", False),
    ("https://[::1]/x", False), ("https://[fe80::1]/x", False), ("https://[::ffff:127.0.0.1]/x", False),
    ("https://user:pw@hooks.example.com/x", False), ("https://0.0.0.0/x", False),
], ids=lambda v: str(v))
def test_targets_must_be_https_and_public_unless_local_dev_allows_them(url, allowed):
    assert (dom.url_problem(url, allow_private=False) is None) is allowed
    if "@" not in url:
        assert dom.url_problem(url.replace("https://", "http://"), allow_private=True) is None


@pytest.mark.parametrize("address,public", [("8.8.8.8", True), ("2001:4860:4860::8888", True),
                                            ("127.0.0.1", False), ("10.1.1.1", False), ("172.16.0.1", False),
                                            ("100.64.0.1", False), ("::1", False), ("fd00::1", False),
                                            ("224.0.0.1", False), ("::ffff:10.0.0.1", False), ("nonsense", False)])
def test_only_public_addresses_pass_after_dns(address, public):
    assert dom.address_allowed(address) is public
