"""API key secrets and the per-key rate limit arithmetic (GCRA)."""
from __future__ import annotations

from alrea.domain import api_keys as dom


def test_a_secret_is_long_random_prefixed_and_only_its_hash_identifies_it():
    a, b = dom.new_secret(), dom.new_secret()
    assert a != b and a.startswith("alr_live_") and dom.looks_like_secret(a)
    assert len(a) - len("alr_live_") >= 43  # 32 bytes, URL-safe base64
    assert dom.secret_hash(a) != dom.secret_hash(b) and len(dom.secret_hash(a)) == 64
    assert dom.shown_prefix(a) == a[:15]
    assert not dom.looks_like_secret("alr_live_short") and not dom.looks_like_secret("Bearer x" * 10)


def test_a_full_bucket_allows_the_burst_then_refuses_with_a_retry_after():
    rate = dom.Rate(per_minute=60, burst=5)  # one per second, five at once
    now, tat, seen = 1_000_000, None, []
    for _ in range(5):
        d = dom.decide(tat, now, rate)
        assert d.allowed
        seen.append(d.remaining)
        tat = d.tat_ms
    assert seen == [4, 3, 2, 1, 0]
    refused = dom.decide(tat, now, rate)
    assert not refused.allowed and refused.retry_after_s == 1 and refused.tat_ms == tat
    assert refused.reset_s == 5


def test_the_bucket_refills_at_the_sustained_rate():
    rate = dom.Rate(per_minute=60, burst=2)
    now = 0
    tat = dom.decide(dom.decide(None, now, rate).tat_ms, now, rate).tat_ms
    assert not dom.decide(tat, now, rate).allowed
    assert not dom.decide(tat, now + 999, rate).allowed
    assert dom.decide(tat, now + 1000, rate).allowed            # one token back after a second
    after_quiet = dom.decide(tat, now + 60_000, rate)          # a long quiet spell: the burst again
    assert after_quiet.allowed and after_quiet.remaining == 1
