"""Accounts, as the store returns them: tenant (with its plan limits), user, refresh session, department,
quick reply. Frozen dataclasses whose field names are the stored attributes' names; no storage code here."""
from __future__ import annotations

from dataclasses import dataclass, field

from alrea.domain.plans import Limits

NO_LIMITS = Limits(max_users=0, max_numbers=0, max_contacts=0, max_campaigns_per_month=0)


@dataclass(frozen=True)
class Tenant:
    tenant_id: str
    name: str
    created_at: str
    plan: str = "trial"
    limits: Limits = NO_LIMITS
    users_count: int = 0
    timezone: str = "America/Sao_Paulo"
    country: str = "BR"
    updated_at: str | None = None

    def limits_dict(self) -> dict[str, int]:
        return self.limits.as_dict()


@dataclass(frozen=True)
class User:
    user_id: str
    tenant_id: str
    name: str
    email: str
    password_hash: str = field(repr=False)
    role: str
    created_at: str
    department_id: str | None = None
    active: bool = True
    away: bool = False  # the manual "Ausente" switch (presence; auto-assignment skips)
    updated_at: str | None = None
    # False only for a sign-up that has not opened its verification link yet (users stored before e-mail
    # verification existed, invited users and reset passwords proved their mailbox: True)
    email_verified: bool = True
    # sessions (refresh families) created and access tokens issued before this instant are refused: a
    # password reset or change sets it (ISO time)
    sessions_valid_from: str | None = None


@dataclass(frozen=True)
class AccountLink:
    """What a single-use e-mailed link stands for: only the sha256 of its secret is stored (``token_hash``)."""

    token_hash: str
    kind: str  # reset | invite | verify (domain/account_links.py)
    tenant_id: str
    email: str
    expires_at: int  # epoch seconds
    user_id: str | None = None  # reset, verify
    invitation_id: str | None = None  # invite


@dataclass(frozen=True)
class Invitation:
    """A pending invitation: the user exists only once it is accepted (and counts against the plan then)."""

    invitation_id: str
    tenant_id: str
    email: str
    name: str
    role: str
    invited_by: str
    created_at: str
    expires_at: int  # epoch seconds
    token_hash: str = field(repr=False)
    department_id: str | None = None


@dataclass(frozen=True)
class Session:
    """One refresh-token family: only the sha256 of its current jti is kept."""

    family: str
    tenant_id: str
    user_id: str
    jti_hash: str
    created_at: str
    revoked: bool = False
    rotated_at: str | None = None


@dataclass(frozen=True)
class Department:
    department_id: str
    tenant_id: str
    name: str
    created_at: str
    members_count: int = 0
    updated_at: str | None = None


@dataclass(frozen=True)
class QuickReply:
    id: str
    tenant_id: str
    shortcut: str
    text: str
    created_at: str
    updated_at: str | None = None
