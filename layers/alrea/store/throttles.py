"""Attempt counters for throttling (login and sign-up): ``pk=THROTTLE#<scope>#<sha256(subject)> sk=THROTTLE``.

``failures`` counts failed attempts (an atomic ADD); ``locked_until`` (epoch seconds) is set by the service when
a failure crosses its threshold; ``ttl`` forgets the item after a quiet window (DynamoDB deletes expired items
lazily, so a read treats an expired item as absent). The subject (an e-mail, an IP address) is hashed: the
table never holds who tried. Every call takes ``now`` (epoch seconds): the service's clock is injectable.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import DoesNotExist

from alrea.store.base import Item, update_if

SK = "THROTTLE"


class ThrottleItem(Item):
    failures = NumberAttribute(default=0)
    locked_until = NumberAttribute(null=True)


@dataclass(frozen=True)
class Attempts:
    failures: int = 0
    locked_until: float = 0.0


def _pk(scope: str, subject: str) -> str:
    return f"THROTTLE#{scope}#{hashlib.sha256(subject.encode('utf-8', 'surrogatepass')).hexdigest()}"


def get(scope: str, subject: str, now: float) -> Attempts:
    try:
        item = ThrottleItem.get(_pk(scope, subject), SK, consistent_read=True)
    except DoesNotExist:
        return Attempts()
    if item.ttl is not None and item.ttl <= now:
        return Attempts()  # expired, not yet deleted by DynamoDB
    return Attempts(int(item.failures or 0), float(item.locked_until or 0))


def add_failure(scope: str, subject: str, now: float, forget_after_s: int) -> int:
    """One more failure (an expired counter restarts at 1); answers the count. Keeps the item
    ``forget_after_s`` past this failure."""
    item = ThrottleItem(_pk(scope, subject), SK)
    expires = int(now) + forget_after_s
    counting = update_if(item, [ThrottleItem.failures.add(1), ThrottleItem.ttl.set(expires),
                                ThrottleItem.entity.set("throttle")],
                         condition=ThrottleItem.ttl.does_not_exist() | (ThrottleItem.ttl > int(now)))
    if not counting:  # the counter had expired (DynamoDB had not deleted it yet): start again
        item.update(actions=[ThrottleItem.failures.set(1), ThrottleItem.ttl.set(expires),
                             ThrottleItem.locked_until.remove()])
    return int(item.failures or 0)


def lock(scope: str, subject: str, until: float, forget_after_s: int) -> None:
    """Locked until ``until``; the counter lives at least ``forget_after_s`` past the lock."""
    item = ThrottleItem(_pk(scope, subject), SK)
    item.update(actions=[ThrottleItem.locked_until.set(until),
                         ThrottleItem.ttl.set(int(until) + forget_after_s)])


def reset(scope: str, subject: str) -> None:
    ThrottleItem(_pk(scope, subject), SK).delete()
