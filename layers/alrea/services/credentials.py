"""Passwords and e-mail ownership through e-mailed links: forgot/reset password, change own password, sign-up
e-mail verification. Link rules (secrets, hashes, lifetimes): ``domain/account_links.py``; items:
``store/account_links.py``.

No user enumeration: "forgot password" answers the same whether the address exists or not (and counts every
request, known or not, per address and per IP: services/throttle.py), a wrong, expired or used link answers
one message. Using a reset link or changing one's password ends every earlier session: refresh families
begun and access tokens issued before ``User.sessions_valid_from`` are refused (services/auth.py).
"""
from __future__ import annotations

import time

from alrea.core.clock import iso, utcnow
from alrea.core.config import get_settings
from alrea.core.errors import Conflict, Invalid, NotFound
from alrea.core.log import logger
from alrea.domain import account_links as links
from alrea.domain.accounts import AccountLink, User
from alrea.domain.roles import Principal
from alrea.services import mail, passwords, realtime, throttle
from alrea.services.auth import TokenPair, start_session
from alrea.store import account_links as link_store
from alrea.store import users as user_store
from alrea.store.tenants import get_tenant

FORGOT_ANSWER = ("Se houver uma conta com este e-mail, enviamos um link para redefinir a senha. "
                 "Confira a caixa de entrada e o spam.")
WRONG_CURRENT = "Senha atual incorreta."


class BadLink(Invalid):
    """A link token that is unknown, of another kind, expired or already used (counted per IP)."""

    code = "invalid_link"


class WrongPassword(Invalid):
    code = "wrong_password"


class AlreadyVerified(Conflict):
    code = "already_verified"


def _now_s() -> float:
    return time.time()


def new_link(kind: str, tenant_id: str, email: str, **refs: str | None) -> tuple[str, AccountLink]:
    """A fresh secret and what the store keeps of it (its hash)."""
    token = links.new_token()
    link = AccountLink(token_hash=links.token_hash(token), kind=kind, tenant_id=tenant_id, email=email.lower(),
                       expires_at=int(_now_s()) + links.KINDS[kind].ttl_s, **refs)
    return token, link


def url_of(kind: str, token: str) -> str:
    return links.link(get_settings().site_url, kind, token)


def usable_link(token: str, kind: str) -> AccountLink:
    """The stored link of ``token`` when it is of ``kind`` and not expired; BadLink otherwise."""
    if not token or len(token) > links.MAX_TOKEN_LEN:
        raise BadLink(link_store.LINK_INVALID, field="token")
    found = link_store.find(links.token_hash(token))
    if found is None or found.kind != kind or links.expired(found.expires_at, _now_s()):
        raise BadLink(link_store.LINK_INVALID, field="token")
    return found


def _link_user(link: AccountLink) -> User:
    try:
        user = user_store.get_user(link.tenant_id, link.user_id or "")
    except NotFound:
        raise BadLink(link_store.LINK_INVALID, field="token") from None
    if not user.active or user.email != link.email:
        raise BadLink(link_store.LINK_INVALID, field="token")
    return user


# ---------------------------------------------------------------- forgot / reset
def forgot_password(email: str, ip: str | None) -> str:
    """E-mail a 30-minute, single-use reset link when the address belongs to an active user. The answer is
    the same either way; every request counts against the address and the IP."""
    address = email.strip().lower()
    throttle.count((throttle.RESET_REQUEST_ACCOUNT, address), (throttle.RESET_REQUEST_IP, ip))
    user = user_store.find_by_email(address)
    if user is None or not user.active:
        logger.info("password reset asked for no active account")
        return FORGOT_ANSWER
    token, link = new_link(links.RESET, user.tenant_id, user.email, user_id=user.user_id)
    link_store.issue(link)
    mail.deliver(mail.reset_password(user.name), user.email, url_of(links.RESET, token))
    logger.info("password reset link sent", extra={"tenant_id": user.tenant_id, "user_id": user.user_id})
    return FORGOT_ANSWER


def reset_password(token: str, password: str, ip: str | None) -> None:
    """Set a new password through a reset link: once; every earlier session of the user ends."""
    with throttle.guarded(BadLink, (throttle.LINK_IP, ip)):
        link = usable_link(token, links.RESET)
        user = _link_user(link)
    password_hash = passwords.hash_password(password, passwords.words_of(user.email, user.name))
    with throttle.guarded(BadLink, (throttle.LINK_IP, ip)):
        try:
            link_store.reset_password(link, password_hash, iso(utcnow()))
        except Invalid as exc:  # used meanwhile by another request
            raise BadLink(exc.message, field="token") from None
    throttle.succeed((throttle.LOGIN_ACCOUNT, user.email))  # a locked-out owner gets in at once
    realtime.drop_user(user.tenant_id, user.user_id)
    mail.deliver(mail.password_changed(user.name), user.email)
    logger.info("password reset", extra={"tenant_id": user.tenant_id, "user_id": user.user_id})


# ---------------------------------------------------------------- change own password
def change_password(caller: Principal, current: str, new: str) -> TokenPair:
    """The current password is required; every session ends, this one included, and a fresh one is answered
    (the caller's tab keeps working, every other device must log in again)."""
    user = user_store.get_user(caller.tenant_id, caller.user_id)
    with throttle.guarded(WrongPassword, (throttle.PASSWORD_CHANGE, user.user_id)):
        if not passwords.verify(user.password_hash, current):
            raise WrongPassword(WRONG_CURRENT, field="current_password")
    throttle.succeed((throttle.PASSWORD_CHANGE, user.user_id))
    if passwords.verify(user.password_hash, new):
        raise Invalid("A nova senha deve ser diferente da atual.", field="new_password")
    tenant = get_tenant(caller.tenant_id)
    password_hash = passwords.hash_password(new, passwords.words_of(user.email, user.name, tenant.name))
    user_store.change_password(user.tenant_id, user.user_id, password_hash, iso(utcnow()))
    pair = start_session(user)
    mail.deliver(mail.password_changed(user.name), user.email)
    logger.info("password changed", extra={"tenant_id": user.tenant_id, "user_id": user.user_id})
    return pair


# ---------------------------------------------------------------- e-mail verification
def send_verification(user: User, company: str) -> None:
    token, link = new_link(links.VERIFY, user.tenant_id, user.email, user_id=user.user_id)
    link_store.issue(link)
    mail.deliver(mail.verify_email(user.name, company), user.email, url_of(links.VERIFY, token))


def resend_verification(caller: Principal) -> None:
    user = user_store.get_user(caller.tenant_id, caller.user_id)
    if user.email_verified:
        raise AlreadyVerified("Seu e-mail já está confirmado.")
    throttle.count((throttle.VERIFY_RESEND, user.user_id))
    send_verification(user, get_tenant(caller.tenant_id).name)


def verify_email(token: str, ip: str | None) -> None:
    """Open a verification link (no session needed: it may be opened on another device)."""
    with throttle.guarded(BadLink, (throttle.LINK_IP, ip)):
        link = usable_link(token, links.VERIFY)
        user = _link_user(link)
        if user.email_verified:
            return
        try:
            link_store.verify_email(link)
        except Invalid as exc:
            raise BadLink(exc.message, field="token") from None
    logger.info("e-mail verified", extra={"tenant_id": user.tenant_id, "user_id": user.user_id})
