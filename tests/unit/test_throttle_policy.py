"""The throttle's delays: free failures, then a lock that doubles up to a ceiling; the pt-BR wait text."""
from __future__ import annotations

from alrea.services.throttle import LOGIN_ACCOUNT, LOGIN_IP, SIGNUP_IP, Policy, _wait_text


def test_locks_start_at_the_threshold_and_double_up_to_the_ceiling():
    p = Policy("x", free_failures=5, first_lock_s=30, max_lock_s=900)
    assert [p.lock_s(n) for n in range(1, 12)] == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]
    assert p.lock_s(10_000) == 900  # no overflow however long an attack goes on


def test_the_policies_are_stricter_per_account_than_per_address():
    assert LOGIN_ACCOUNT.free_failures < SIGNUP_IP.free_failures < LOGIN_IP.free_failures
    assert all(p.max_lock_s <= 15 * 60 for p in (LOGIN_ACCOUNT, LOGIN_IP, SIGNUP_IP))


def test_wait_text():
    assert _wait_text(1) == "1 segundo" and _wait_text(30) == "30 segundos"
    assert _wait_text(60) == "1 minuto" and _wait_text(61) == "2 minutos" and _wait_text(900) == "15 minutos"
