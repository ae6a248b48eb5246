"""LGPD rules: retention choices, the grace period of a tenant deletion, the suppression hash of an erased phone."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# the day counts a tenant may choose; the bucket has one lifecycle rule per value (infra/stack.py)
RETENTION_DAYS: tuple[int, ...] = (30, 90, 180, 365, 730)
RETENTION_TAG = "retention"  # S3 object tag: retention=<days> (one bucket lifecycle rule per value)
EXPORT_TAG = ("kind", "export")  # export archives: expired by their own lifecycle rule
EXPORT_KEEP_DAYS = 7
DELETION_GRACE = timedelta(days=7)
EXPORT_URL_TTL_S = 300
DAY_S = 86400


class RetentionError(ValueError):
    pass


def check_retention(value: int | None, field: str) -> int | None:
    """None keeps forever; otherwise one of RETENTION_DAYS."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in RETENTION_DAYS:
        allowed = ", ".join(str(d) for d in RETENTION_DAYS)
        raise RetentionError(f"{field}: use um destes valores (dias): {allowed}, ou null para manter sempre")
    return value


def expires_at(now: datetime, days: int | None) -> int | None:
    """DynamoDB TTL (epoch seconds) of an item written at ``now`` kept ``days`` days."""
    return int(now.timestamp()) + days * DAY_S if days else None


def media_tags(days: int | None) -> dict[str, str]:
    """S3 object tags a media object gets so the bucket's lifecycle rule of that day count expires it."""
    return {RETENTION_TAG: str(days)} if days else {}


def phone_hash(tenant_id: str, e164: str) -> str:
    """What remains of an erased phone: sha256 of the tenant-salted E.164 (not reversible across tenants)."""
    return hashlib.sha256(f"alrea-suppress|{tenant_id}|{e164}".encode()).hexdigest()


def names_match(confirm: str, tenant_name: str) -> bool:
    return " ".join(confirm.split()).casefold() == " ".join(tenant_name.split()).casefold()


# ---------------------------------------------------------------- what the store returns
@dataclass(frozen=True)
class PrivacySettings:
    """A tenant's retention choice (days; None: kept until erased) and its scheduled deletion, if any."""

    tenant_id: str
    messages_days: int | None = None
    media_days: int | None = None
    deletion_due_at: str | None = None
    deletion_requested_by: str | None = None
    deletion_requested_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class Export:
    """One tenant export (status pending | running | ready | failed; ``key``: the archive's object key)."""

    id: str
    tenant_id: str
    status: str
    created_at: str
    key: str | None = None
    counts: dict[str, int] | None = None
    requested_by: str | None = None
    error: str | None = None
    finished_at: str | None = None


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing a contact deletes: table items (store keys, opaque here), objects (media, avatar) and how
    many campaign recipient rows were among the items."""

    items: tuple[Any, ...] = ()
    objects: tuple[str, ...] = ()
    recipients: int = 0
