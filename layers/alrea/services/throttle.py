"""Login and sign-up throttling: growing delays, then a temporary lockout, per account and per IP address.

Each failed attempt adds one to a counter per subject (the e-mail tried, the caller's IP address); from a
threshold on, every further failure locks the subject for a delay that doubles (30 s, 60 s, 2 min … up to
15 min). While locked, every attempt — even with the right password — answers 429 with ``Retry-After``. A
successful login clears its account's counter (not the IP's); counters are forgotten after an hour without
failures. Unknown e-mails count like known ones, so a lockout tells nothing about which accounts exist.

The counters live in the table (alrea.store.throttles, TTL'd). In AWS a WAF rate-based rule on the auth
routes is the other half (a flood never reaches the Lambda). ``clock`` is injectable: tests move time
instead of sleeping.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from alrea.core.errors import TooManyRequests
from alrea.core.log import logger
from alrea.store import throttles

clock: Callable[[], float] = time.time  # epoch seconds; tests replace it


@dataclass(frozen=True)
class Policy:
    scope: str
    free_failures: int  # the failure that first locks: the ones before it cost nothing
    first_lock_s: int = 30
    max_lock_s: int = 15 * 60
    forget_after_s: int = 3600

    def lock_s(self, failures: int) -> int:
        """The lock after the ``failures``-th failure (0 while still under the threshold)."""
        over = failures - self.free_failures
        if over < 0:
            return 0
        return min(self.max_lock_s, self.first_lock_s * 2 ** min(over, 20))


LOGIN_ACCOUNT = Policy("login-account", free_failures=5)
LOGIN_IP = Policy("login-ip", free_failures=30)
SIGNUP_IP = Policy("signup-ip", free_failures=10)
# e-mailed links (services/credentials.py, services/invitations.py): every "forgot password" request counts
# (it sends mail), per address asked and per IP; wrong, expired or used link tokens count per IP
RESET_REQUEST_ACCOUNT = Policy("reset-request-account", free_failures=3)
RESET_REQUEST_IP = Policy("reset-request-ip", free_failures=20)
LINK_IP = Policy("link-ip", free_failures=10)
PASSWORD_CHANGE = Policy("password-change", free_failures=5)  # wrong current password, per user
VERIFY_RESEND = Policy("verify-resend", free_failures=3)  # verification e-mails re-sent, per user

LOCKED = "Muitas tentativas seguidas. Aguarde {wait} e tente de novo."


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} segundo{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minuto{'s' if minutes != 1 else ''}"


def _subjects(*pairs: tuple[Policy, str | None]) -> list[tuple[Policy, str]]:
    return [(policy, subject) for policy, subject in pairs if subject]


def check(*pairs: tuple[Policy, str | None]) -> None:
    """TooManyRequests while any of the subjects is locked."""
    now = clock()
    wait = 0.0
    for policy, subject in _subjects(*pairs):
        wait = max(wait, throttles.get(policy.scope, subject, now).locked_until - now)
    if wait > 0:
        seconds = int(-(-wait // 1))
        raise TooManyRequests(LOCKED.format(wait=_wait_text(seconds)), retry_after_s=seconds)


def fail(*pairs: tuple[Policy, str | None]) -> None:
    """Count one failure for each subject; lock the ones past their threshold."""
    now = clock()
    for policy, subject in _subjects(*pairs):
        failures = throttles.add_failure(policy.scope, subject, now, policy.forget_after_s)
        lock_s = policy.lock_s(failures)
        if lock_s:
            throttles.lock(policy.scope, subject, now + lock_s, policy.forget_after_s)
            logger.warning("throttled", extra={"scope": policy.scope, "failures": failures, "lock_s": lock_s})


def count(*pairs: tuple[Policy, str | None]) -> None:
    """Refuse while locked, else count this attempt whatever its outcome (requests that send e-mail)."""
    check(*pairs)
    fail(*pairs)


def succeed(*pairs: tuple[Policy, str | None]) -> None:
    for policy, subject in _subjects(*pairs):
        throttles.reset(policy.scope, subject)


@contextmanager
def guarded(counted: type[BaseException] | tuple[type[BaseException], ...],
            *pairs: tuple[Policy, str | None]) -> Iterator[None]:
    """Refuse while locked; count a failure when the block raises ``counted``."""
    check(*pairs)
    try:
        yield
    except counted:
        fail(*pairs)
        raise
