"""Single-use e-mailed links and pending invitations.

Items:
- link       ``pk=LINK#<sha256(secret)>  sk=LINK``     kind (reset | invite | verify), tenant_id, email,
                                                       user_id / invitation_id, expires_at; TTL a day after it
                                                       expires. The page that opens a link finds it with one
                                                       GetItem; using it DELETES it (conditioned on existing
                                                       and not expired) in the same transaction as what it
                                                       does, so a link works once even under concurrency.
- invitation ``pk=T#<tid>  sk=INVITE#<id>``            email, name, role, department_id, invited_by,
                                                       token_hash (its link), expires_at; TTL a day after.
                                                       The id is derived from the e-mail: inviting the same
                                                       address again replaces the invitation and its link.
"""
from __future__ import annotations

import time
import uuid

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError

from alrea.core.errors import Invalid, NotFound
from alrea.domain.accounts import AccountLink, Invitation, User
from alrea.store import users
from alrea.store.base import Item, Transaction, as_domain
from alrea.store.keys import tenant_pk

LINK_SK = "LINK"
INVITE_PREFIX = "INVITE#"
KEEP_AFTER_EXPIRY_S = 24 * 3600
LINK_INVALID = "Link inválido, expirado ou já usado. Peça um novo."
INVITATION_NOT_FOUND = "Convite não encontrado."


class LinkItem(Item):
    kind = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    email = UnicodeAttribute()
    expires_at = NumberAttribute()
    user_id = UnicodeAttribute(null=True)
    invitation_id = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, token_hash: str) -> tuple[str, str]:
        return f"LINK#{token_hash}", LINK_SK

    @classmethod
    def ref(cls, token_hash: str) -> LinkItem:
        return cls(*cls.key(token_hash))

    def domain(self) -> AccountLink:
        return as_domain(AccountLink, self, token_hash=self.pk.removeprefix("LINK#"),
                         expires_at=int(self.expires_at))


class InvitationItem(Item):
    invitation_id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    email = UnicodeAttribute()
    name = UnicodeAttribute()
    role = UnicodeAttribute()
    department_id = UnicodeAttribute(null=True)
    invited_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = NumberAttribute()
    token_hash = UnicodeAttribute()

    @classmethod
    def key(cls, tenant_id: str, invitation_id: str) -> tuple[str, str]:
        return tenant_pk(tenant_id), INVITE_PREFIX + invitation_id

    def domain(self) -> Invitation:
        return as_domain(Invitation, self, expires_at=int(self.expires_at))


def invitation_id_for(tenant_id: str, email: str) -> str:
    """One invitation per address and tenant: the id is a UUID v5 of both."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"alrea:invite:{tenant_id}:{email.lower()}"))


def _link_item(link: AccountLink) -> LinkItem:
    return LinkItem(*LinkItem.key(link.token_hash), entity="link", kind=link.kind, tenant_id=link.tenant_id,
                    email=link.email.lower(), expires_at=link.expires_at, user_id=link.user_id,
                    invitation_id=link.invitation_id, ttl=link.expires_at + KEEP_AFTER_EXPIRY_S)


def _usable(token_hash: str, kind: str):
    """The condition that makes a link single-use: it still exists, is of this kind and has not expired."""
    return (LinkItem.pk.exists() & (LinkItem.kind == kind)
            & (LinkItem.expires_at > int(time.time())))  # noqa: DTZ - epoch seconds, as expires_at


def _run(write, link_label: str = "link") -> None:
    """One transaction; a failed condition on the link means it was used (or expired) meanwhile."""
    tx = Transaction()
    try:
        with tx:
            write(tx)
    except TransactWriteError as exc:
        codes = tx.codes(exc)
        if codes.get(link_label) == users.FAILED:
            raise Invalid(LINK_INVALID, field="token") from exc
        if any(code == users.FAILED for code in codes.values()):
            raise NotFound(users.NOT_FOUND) from exc
        raise


# ---------------------------------------------------------------- links
def issue(link: AccountLink) -> None:
    _link_item(link).save()


def find(token_hash: str) -> AccountLink | None:
    try:
        return LinkItem.get(*LinkItem.key(token_hash), consistent_read=True).domain()
    except DoesNotExist:
        return None


def reset_password(link: AccountLink, password_hash: str, sessions_valid_from: str) -> None:
    """Use a reset link: the new password, every earlier session ended, the mailbox proven — once."""
    assert link.user_id is not None

    def write(tx: Transaction) -> None:
        tx.delete("link", LinkItem.ref(link.token_hash), condition=_usable(link.token_hash, link.kind))
        tx.update("user", users.User.ref(link.tenant_id, link.user_id),
                  actions=[*users.password_changes(password_hash, sessions_valid_from),
                           users.User.email_verified.set(True)],
                  condition=users.User.pk.exists() & (users.User.email == link.email))

    _run(write)


def verify_email(link: AccountLink) -> None:
    """Use a verification link: the user's e-mail is verified — once, and only while it is still theirs."""
    assert link.user_id is not None

    def write(tx: Transaction) -> None:
        tx.delete("link", LinkItem.ref(link.token_hash), condition=_usable(link.token_hash, link.kind))
        tx.update("user", users.User.ref(link.tenant_id, link.user_id),
                  actions=[users.User.email_verified.set(True)],
                  condition=users.User.pk.exists() & (users.User.email == link.email))

    _run(write)


# ---------------------------------------------------------------- invitations
def invite(invitation: Invitation) -> Invitation | None:
    """Store (or replace) the invitation and its link; the replaced invitation's link stops working.
    Answers the invitation it replaced, if any."""
    key = InvitationItem.key(invitation.tenant_id, invitation.invitation_id)
    try:
        previous = InvitationItem.get(*key, consistent_read=True)
    except DoesNotExist:
        previous = None
    item = InvitationItem(*key, entity="invitation", invitation_id=invitation.invitation_id,
                          tenant_id=invitation.tenant_id, email=invitation.email.lower(), name=invitation.name,
                          role=invitation.role, department_id=invitation.department_id,
                          invited_by=invitation.invited_by, created_at=invitation.created_at,
                          expires_at=invitation.expires_at, token_hash=invitation.token_hash,
                          ttl=invitation.expires_at + KEEP_AFTER_EXPIRY_S)
    link = AccountLink(token_hash=invitation.token_hash, kind="invite", tenant_id=invitation.tenant_id,
                       email=invitation.email, expires_at=invitation.expires_at,
                       invitation_id=invitation.invitation_id)

    def write(tx: Transaction) -> None:
        tx.put("invitation", item)
        tx.put("link", _link_item(link))
        if previous is not None and previous.token_hash != invitation.token_hash:
            tx.delete("old_link", LinkItem.ref(previous.token_hash))

    _run(write, link_label="")
    return previous.domain() if previous is not None else None


def list_invitations(tenant_id: str) -> list[Invitation]:
    items = InvitationItem.query(tenant_pk(tenant_id), InvitationItem.sk.startswith(INVITE_PREFIX),
                                 consistent_read=True)
    return sorted((i.domain() for i in items), key=lambda i: i.created_at, reverse=True)


def get_invitation(tenant_id: str, invitation_id: str) -> Invitation:
    try:
        return InvitationItem.get(*InvitationItem.key(tenant_id, invitation_id), consistent_read=True).domain()
    except DoesNotExist:
        raise NotFound(INVITATION_NOT_FOUND) from None


def cancel_invitation(invitation: Invitation) -> None:
    def write(tx: Transaction) -> None:
        tx.delete("invitation", InvitationItem(*InvitationItem.key(invitation.tenant_id,
                                                                   invitation.invitation_id)))
        tx.delete("link", LinkItem.ref(invitation.token_hash))

    _run(write, link_label="")


def accept_invitation(link: AccountLink, invitation: Invitation, user: User) -> None:
    """The invited user is created — counted against the plan's users in the same transaction
    (store.users.add_user) — and the link and the invitation are consumed with it, once."""

    def also(tx: Transaction) -> None:
        tx.delete("link", LinkItem.ref(link.token_hash), condition=_usable(link.token_hash, link.kind))
        tx.delete("invitation", InvitationItem(*InvitationItem.key(invitation.tenant_id,
                                                                   invitation.invitation_id)),
                  condition=InvitationItem.token_hash == link.token_hash)

    def also_failed(failed: set[str]) -> None:
        if failed & {"link", "invitation"}:
            raise Invalid(LINK_INVALID, field="token")

    users.add_user(user, also=also, also_failed=also_failed)
