"""Invitations: an admin invites by e-mail (name, role, department); the invited person sets their own
password through a single-use link valid for 7 days. The user exists only from the acceptance on, and is
counted against the plan's users there, in the transaction that creates it (store.users.add_user), like a
user created directly. Inviting an address again replaces its invitation (and kills the old link).

Admins whose own e-mail is not verified yet cannot invite (DECISIONS 32C): invitations are mail to third
parties from our sending identity, the one thing an unverified sign-up could abuse at scale.
"""
from __future__ import annotations

from dataclasses import dataclass

from alrea.core.clock import iso, new_id, utcnow
from alrea.core.errors import Forbidden, Invalid, NotFound
from alrea.core.log import logger
from alrea.domain import account_links as links
from alrea.domain.accounts import AccountLink, Invitation
from alrea.domain.roles import Principal
from alrea.services import mail, passwords, throttle
from alrea.services.auth import TokenPair, start_session
from alrea.services.credentials import BadLink, new_link, url_of, usable_link
from alrea.services.users import check_department, check_role
from alrea.store import account_links as link_store
from alrea.store import users as user_store
from alrea.store.tenants import get_tenant

ROLE_LABELS = {"admin": "administrador(a)", "manager": "gerente", "agent": "atendente"}


class EmailUnverified(Forbidden):
    code = "email_unverified"


@dataclass(frozen=True)
class Sent:
    invitation: Invitation
    sent: bool  # False when the e-mail provider refused or failed (the admin may resend)


@dataclass(frozen=True)
class Preview:
    company: str
    name: str
    email: str
    role: str


def invite(caller: Principal, *, name: str, email: str, role: str, department_id: str | None) -> Sent:
    me = user_store.get_user(caller.tenant_id, caller.user_id)
    if not me.email_verified:
        raise EmailUnverified("Confirme o seu e-mail antes de convidar pessoas (veja o aviso no topo da página).")
    check_role(role)
    check_department(caller, role, department_id)
    address = email.strip().lower()
    if user_store.find_by_email(address) is not None:
        raise user_store.EmailTaken("Este e-mail já está cadastrado.", field="email")
    return _send(caller, me.name, name=name.strip(), email=address, role=role, department_id=department_id)


def _send(caller: Principal, inviter: str, *, name: str, email: str, role: str,
          department_id: str | None) -> Sent:
    invitation_id = link_store.invitation_id_for(caller.tenant_id, email)
    token, link = new_link(links.INVITE, caller.tenant_id, email, invitation_id=invitation_id)
    invitation = Invitation(invitation_id=invitation_id, tenant_id=caller.tenant_id, email=email, name=name,
                            role=role, department_id=department_id, invited_by=caller.user_id,
                            created_at=iso(utcnow()), expires_at=link.expires_at, token_hash=link.token_hash)
    link_store.invite(invitation)
    company = get_tenant(caller.tenant_id).name
    sent = mail.deliver(mail.invitation(name, company, inviter, ROLE_LABELS.get(role, role)), email,
                        url_of(links.INVITE, token))
    logger.info("user invited", extra={"tenant_id": caller.tenant_id, "invitation_id": invitation_id,
                                       "sent": sent})
    return Sent(invitation=invitation, sent=sent)


def pending(caller: Principal) -> list[Invitation]:
    return link_store.list_invitations(caller.tenant_id)


def resend(caller: Principal, invitation_id: str) -> Sent:
    """A new link (the old one stops working) and a new 7 days."""
    current = link_store.get_invitation(caller.tenant_id, invitation_id)
    me = user_store.get_user(caller.tenant_id, caller.user_id)
    return _send(caller, me.name, name=current.name, email=current.email, role=current.role,
                 department_id=current.department_id)


def cancel(caller: Principal, invitation_id: str) -> None:
    link_store.cancel_invitation(link_store.get_invitation(caller.tenant_id, invitation_id))


def _open(token: str, ip: str | None) -> tuple[Invitation, AccountLink]:
    with throttle.guarded(BadLink, (throttle.LINK_IP, ip)):
        link = usable_link(token, links.INVITE)
        try:
            invitation = link_store.get_invitation(link.tenant_id, link.invitation_id or "")
        except NotFound:  # cancelled meanwhile: the same answer as any bad link
            raise BadLink(link_store.LINK_INVALID, field="token") from None
        if invitation.token_hash != link.token_hash:
            raise BadLink(link_store.LINK_INVALID, field="token")
    return invitation, link


def preview(token: str, ip: str | None) -> Preview:
    """What the acceptance page shows before the password is chosen."""
    invitation, _ = _open(token, ip)
    return Preview(company=get_tenant(invitation.tenant_id).name, name=invitation.name, email=invitation.email,
                   role=invitation.role)


def accept(token: str, password: str, ip: str | None) -> TokenPair:
    """Create the invited user with the password they chose (their e-mail is proven by the link) and start a
    session. Counted against the plan's users now: 402 when the tenant is full."""
    invitation, link = _open(token, ip)
    company = get_tenant(invitation.tenant_id).name
    password_hash = passwords.hash_password(password,
                                            passwords.words_of(invitation.email, invitation.name, company))
    user = user_store.new_user(invitation.tenant_id, new_id(), name=invitation.name, email=invitation.email,
                               password_hash=password_hash, role=invitation.role,
                               department_id=invitation.department_id, email_verified=True)
    with throttle.guarded(BadLink, (throttle.LINK_IP, ip)):
        try:
            link_store.accept_invitation(link, invitation, user)
        except Invalid as exc:
            if exc.details.get("field") == "token" and not isinstance(exc, BadLink):
                raise BadLink(exc.message, field="token") from None
            raise
    logger.info("invitation accepted", extra={"tenant_id": user.tenant_id, "user_id": user.user_id})
    return start_session(user)
