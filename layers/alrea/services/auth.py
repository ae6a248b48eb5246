"""Sign-up, login, rotating refresh, logout, and who is calling (the principal behind an access token)."""
from __future__ import annotations

from dataclasses import dataclass
from alrea.core.clock import iso, new_id, parse_iso, utcnow
from alrea.core.errors import Conflict, Invalid, NotFound, Unauthorized
from alrea.core.log import logger
from alrea.domain.accounts import Tenant, User
from alrea.domain.plans import DEFAULT_COUNTRY, DEFAULT_TIMEZONE, TRIAL
from alrea.domain.roles import Principal, Role
from alrea.services import passwords, throttle, tokens
from alrea.store import sessions
from alrea.store import users as user_store

BAD_LOGIN = "E-mail ou senha incorretos."


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str

    def as_dict(self) -> dict[str, str]:
        return {"access": self.access, "refresh": self.refresh}


@dataclass(frozen=True)
class SignedUp:
    tenant: Tenant
    user: User
    tokens: TokenPair


def start_session(user: User) -> TokenPair:
    family = new_id()
    refresh = tokens.issue_refresh(user.tenant_id, user.user_id, family)
    sessions.create_session(user.tenant_id, user.user_id, family, tokens.jti_hash(refresh.jti),
                            refresh.expires_at)
    access = tokens.issue_access(user.tenant_id, user.user_id, user.role, user.department_id)
    return TokenPair(access=access, refresh=refresh.token)


def signup(company: str, name: str, email: str, password: str, ip: str | None = None, *,
           verified: bool = False) -> SignedUp:
    """A new tenant on the trial plan, with its first admin; answers tenant, user and a session. Failed
    sign-ups (a taken e-mail, a weak password) are throttled per IP address. The admin's e-mail is verified
    through a link sent now, unless ``verified`` (the local demo seed)."""
    with throttle.guarded((Conflict, Invalid), (throttle.SIGNUP_IP, ip)):
        return _signup(company, name, email, password, verified)


def _signup(company: str, name: str, email: str, password: str, verified: bool) -> SignedUp:
    password_hash = passwords.hash_password(password, passwords.words_of(email, name, company))
    tenant_id, user_id = new_id(), new_id()
    tenant = Tenant(tenant_id=tenant_id, name=company, plan=TRIAL.name, limits=TRIAL.limits, users_count=1,
                    timezone=DEFAULT_TIMEZONE, country=DEFAULT_COUNTRY, created_at=iso(utcnow()))
    admin = user_store.new_user(tenant_id, user_id, name=name, email=email, password_hash=password_hash,
                                role=Role.ADMIN.value, department_id=None, email_verified=verified)
    user_store.create_tenant_with_admin(tenant, admin)
    logger.info("tenant signed up", extra={"tenant_id": tenant_id, "user_id": user_id})
    if not verified:
        from alrea.services import credentials  # sends the verification e-mail

        credentials.send_verification(admin, company)
    pair = start_session(admin)
    return SignedUp(tenant=tenant, user=admin, tokens=pair)


def login(email: str, password: str, ip: str | None = None) -> TokenPair:
    """Throttled per account (the e-mail tried) and per IP address (alrea.services.throttle): a locked
    subject answers 429 even with the right password."""
    account = (throttle.LOGIN_ACCOUNT, email.strip().lower())
    with throttle.guarded(Unauthorized, account, (throttle.LOGIN_IP, ip)):
        pair = _login(email, password)
    throttle.succeed(account)
    return pair


def _login(email: str, password: str) -> TokenPair:
    user = user_store.find_by_email(email)
    if user is None:
        passwords.verify(passwords.dummy_hash(), password)  # same cost as a real check
        raise Unauthorized(BAD_LOGIN)
    if not passwords.verify(user.password_hash, password) or not user.active:
        raise Unauthorized(BAD_LOGIN)
    if passwords.needs_rehash(user.password_hash):
        user_store.set_password_hash(user.tenant_id, user.user_id, passwords.hasher().hash(password))
    logger.info("login", extra={"tenant_id": user.tenant_id, "user_id": user.user_id})
    return start_session(user)


def refresh(refresh_token: str) -> TokenPair:
    """Rotate: the presented refresh token must be its family's current one; any older one is reuse.

    Reuse means the token leaked (or a client replayed it): the whole family is revoked, so both the thief
    and the user must log in again.
    """
    claims = tokens.verify_refresh(refresh_token)
    session = sessions.get_session(claims.tenant_id, claims.family)
    if session is None or session.revoked or session.user_id != claims.user_id:
        raise Unauthorized(tokens.INVALID)
    presented = tokens.jti_hash(claims.jti)
    if presented != session.jti_hash:
        _reuse(claims)
    try:
        user = user_store.get_user(claims.tenant_id, claims.user_id)
    except NotFound:  # a deleted user cannot refresh
        user = None
    if user is None or not user.active or not session_still_valid(user, session.created_at):
        sessions.revoke(claims.tenant_id, claims.family)
        raise Unauthorized(tokens.INVALID)
    nxt = tokens.issue_refresh(claims.tenant_id, claims.user_id, claims.family)
    next_hash = tokens.jti_hash(nxt.jti)
    if not sessions.rotate(claims.tenant_id, claims.family, presented, next_hash, nxt.expires_at):
        _reuse(claims)  # another request rotated (or revoked) this token first
    access = tokens.issue_access(user.tenant_id, user.user_id, user.role, user.department_id)
    return TokenPair(access=access, refresh=nxt.token)


def _reuse(claims: tokens.RefreshClaims) -> None:
    sessions.revoke(claims.tenant_id, claims.family)
    logger.warning("refresh token reuse: family revoked",
                   extra={"tenant_id": claims.tenant_id, "user_id": claims.user_id, "family": claims.family})
    raise Unauthorized(tokens.INVALID)


def session_still_valid(user: User, created_at: str) -> bool:
    """A session (refresh family) begun before the user's last password reset or change is over."""
    return not user.sessions_valid_from or created_at >= user.sessions_valid_from


def token_still_valid(user: User, issued_at_ms: int) -> bool:
    """An access token issued before the user's last password reset or change is refused."""
    if not user.sessions_valid_from:
        return True
    return issued_at_ms >= int(parse_iso(user.sessions_valid_from).timestamp() * 1000)


def logout(refresh_token: str) -> None:
    claims = tokens.verify_refresh(refresh_token)
    sessions.revoke(claims.tenant_id, claims.family)


def principal(access_token: str) -> Principal:
    """The caller: tenant and user from the verified token; role and department from the stored user, so a
    role change or a deactivation applies at once, not when the token expires."""
    claims = tokens.verify_access(access_token)
    try:
        user = user_store.get_user(claims.tenant_id, claims.user_id)
    except NotFound:  # the token outlived its user
        raise Unauthorized(tokens.INVALID) from None
    if not user.active:
        raise Unauthorized("Usuário desativado.")
    if not token_still_valid(user, claims.issued_at_ms):
        raise Unauthorized(tokens.INVALID)
    return Principal(tenant_id=user.tenant_id, user_id=user.user_id, role=user.role,
                     department_id=user.department_id, name=user.name, email=user.email)
