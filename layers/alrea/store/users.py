"""Users and the global e-mail index.

Items:
- user           ``pk=T#<tid>        sk=USER#<uid>``  name, email, password_hash (argon2), role,
                                                      department_id, active
- e-mail pointer ``pk=EMAIL#<email>  sk=EMAIL``       tenant_id, user_id — e-mails are unique across tenants
                                                      and login finds the user with one GetItem.

Every write that changes the number of active users or a department's members is ONE TransactWrite with the
tenant's ``users_count`` (conditioned on the plan limit) and the department's ``members_count``, so neither
can drift or be exceeded under concurrency. DynamoDB may cancel a transaction with ``TransactionConflict``
when two touch the same item at once: those are retried a few times with jitter.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError

from alrea.core.clock import iso, utcnow
from alrea.core.errors import Conflict, Invalid, LimitReached, NotFound
from alrea.core.log import logger
from alrea.domain import accounts as dom
from alrea.domain.plans import users_limit_message
from alrea.store.base import Item, Transaction, as_domain, update_if
from alrea.store.departments import Department
from alrea.store.keys import tenant_pk
from alrea.store.tenants import Tenant, get_tenant, item_of

SK_PREFIX = "USER#"
EMAIL_SK = "EMAIL"
NOT_FOUND = "Usuário não encontrado."
ATTEMPTS = 5
FAILED = "ConditionalCheckFailed"


class EmailTaken(Conflict):
    code = "email_taken"


class User(Item):
    user_id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    role = UnicodeAttribute()
    department_id = UnicodeAttribute(null=True)
    active = BooleanAttribute(default=True)
    away = BooleanAttribute(null=True)  # the user's manual "Ausente" switch (presence; auto-assignment skips)
    email_verified = BooleanAttribute(null=True)  # absent: a user from before verification existed (verified)
    sessions_valid_from = UnicodeAttribute(null=True)  # sessions and tokens from before it are refused
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, user_id: str) -> tuple[str, str]:
        return tenant_pk(tenant_id), SK_PREFIX + user_id

    @classmethod
    def ref(cls, tenant_id: str, user_id: str) -> User:
        return cls(*cls.key(tenant_id, user_id))

    def domain(self) -> dom.User:
        return as_domain(dom.User, self, active=bool(self.active), away=bool(self.away),
                         email_verified=self.email_verified is not False)

    @classmethod
    def of(cls, user: dom.User) -> User:
        return cls(*cls.key(user.tenant_id, user.user_id), entity="user", user_id=user.user_id,
                   tenant_id=user.tenant_id, name=user.name, email=user.email, password_hash=user.password_hash,
                   role=user.role, department_id=user.department_id, active=user.active,
                   away=user.away or None, email_verified=user.email_verified,
                   sessions_valid_from=user.sessions_valid_from, created_at=user.created_at,
                   updated_at=user.updated_at)


class EmailPointer(Item):
    email = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    user_id = UnicodeAttribute()

    @classmethod
    def key(cls, email: str) -> tuple[str, str]:
        return f"EMAIL#{email.lower()}", EMAIL_SK

    @classmethod
    def for_user(cls, user: dom.User) -> EmailPointer:
        return cls(*cls.key(user.email), entity="email", email=user.email.lower(), tenant_id=user.tenant_id,
                   user_id=user.user_id)


def new_user(tenant_id: str, user_id: str, *, name: str, email: str, password_hash: str, role: str,
             department_id: str | None, email_verified: bool = True) -> dom.User:
    """A user not stored yet (``add_user`` / ``create_tenant_with_admin`` store it)."""
    return dom.User(user_id=user_id, tenant_id=tenant_id, name=name, email=email.lower(),
                    password_hash=password_hash, role=role, department_id=department_id, active=True,
                    created_at=iso(utcnow()), email_verified=email_verified)


# ---------------------------------------------------------------- reads
def get_user(tenant_id: str, user_id: str) -> dom.User:
    try:
        return User.get(*User.key(tenant_id, user_id), consistent_read=True).domain()
    except DoesNotExist:
        raise NotFound(NOT_FOUND) from None


def list_users(tenant_id: str) -> list[dom.User]:
    items = User.query(tenant_pk(tenant_id), User.sk.startswith(SK_PREFIX), consistent_read=True)
    return sorted((u.domain() for u in items), key=lambda u: (u.name.lower(), u.user_id))


def find_by_email(email: str) -> dom.User | None:
    """Login's lookup: the one access path not starting from a tenant (there is no token yet)."""
    try:
        pointer = EmailPointer.get(*EmailPointer.key(email), consistent_read=True)
    except DoesNotExist:
        return None
    try:
        return User.get(*User.key(pointer.tenant_id, pointer.user_id), consistent_read=True).domain()
    except DoesNotExist:
        return None


# ---------------------------------------------------------------- writes
def _transact(write: Callable[[Transaction], None], on_cancel: Callable[[set[str]], None]) -> None:
    """Run one transaction, retrying on TransactionConflict.

    When conditions failed, ``on_cancel(failed_labels)`` raises the domain error, or returns when nothing was
    left to do.
    """
    for attempt in range(ATTEMPTS):
        tx = Transaction()
        try:
            with tx:
                write(tx)
            return
        except TransactWriteError as exc:
            codes = tx.codes(exc)
            failed = {label for label, code in codes.items() if code == FAILED}
            if failed:
                on_cancel(failed)
                return
            if attempt + 1 < ATTEMPTS:
                time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))  # TransactionConflict / throttling
                continue
            logger.warning("transaction failed", extra={"codes": codes, "error": exc.cause_response_code})
            raise Conflict("Outra alteração aconteceu ao mesmo tempo; tente novamente.") from exc


def _limit_or_missing(tenant_id: str) -> None:
    tenant = get_tenant(tenant_id)  # NotFound when the tenant is gone
    raise LimitReached(users_limit_message(tenant.limits.max_users),
                       limit="max_users", max_users=tenant.limits.max_users)


def _department_missing() -> None:
    raise Invalid("Departamento não encontrado.", field="department_id")


def create_tenant_with_admin(tenant: dom.Tenant, admin: dom.User) -> None:
    """Signup: the tenant (its ``users_count`` 1), its first admin and the admin's e-mail, all or nothing."""
    tenant_item = item_of(tenant)
    tenant_item.users_count = 1

    def write(tx: Transaction) -> None:
        tx.put("tenant", tenant_item, condition=Tenant.pk.does_not_exist())
        tx.put("user", User.of(admin), condition=User.pk.does_not_exist())
        tx.put("email", EmailPointer.for_user(admin), condition=EmailPointer.pk.does_not_exist())

    def cancelled(failed: set[str]) -> None:
        if "email" in failed:
            raise EmailTaken("Este e-mail já está cadastrado.", field="email")
        raise Conflict("Empresa já existe.")

    _transact(write, cancelled)


Extra = Callable[[Transaction], None]


def add_user(user: dom.User, *, also: Extra | None = None,
             also_failed: Callable[[set[str]], None] | None = None) -> None:
    """A new active user of an existing tenant: counts against ``max_users`` and claims the e-mail.

    ``also`` adds writes of the caller's to the same transaction (an invitation consumed with its acceptance);
    ``also_failed(labels)`` raises when one of them was the condition that failed."""
    tenant_ref = Tenant(*Tenant.key(user.tenant_id))

    def write(tx: Transaction) -> None:
        if also is not None:
            also(tx)
        tx.update("tenant", tenant_ref, actions=[Tenant.users_count.add(1)],
                  condition=Tenant.pk.exists() & (Tenant.users_count < Tenant.limits.max_users))
        tx.put("user", User.of(user), condition=User.pk.does_not_exist())
        tx.put("email", EmailPointer.for_user(user), condition=EmailPointer.pk.does_not_exist())
        if user.department_id:
            tx.update("department", Department.ref(user.tenant_id, user.department_id),
                      actions=[Department.members_count.add(1)], condition=Department.pk.exists())

    def cancelled(failed: set[str]) -> None:
        if also_failed is not None:
            also_failed(failed)
        if "email" in failed:
            raise EmailTaken("Este e-mail já está cadastrado.", field="email")
        if "department" in failed:
            _department_missing()
        if "tenant" in failed:
            _limit_or_missing(user.tenant_id)
        raise Conflict("Usuário já existe.")

    _transact(write, cancelled)


def change_user(current: dom.User, *, name: str, role: str, department_id: str | None) -> dom.User:
    """Name, role and department; moves the department counters when the department changes.

    Conditioned on the role and department read in ``current``: a concurrent change makes this one fail
    with Conflict instead of silently miscounting a department.
    """
    tid, uid = current.tenant_id, current.user_id
    old_dept = current.department_id
    now = iso(utcnow())
    actions = [User.name.set(name), User.role.set(role), User.updated_at.set(now)]
    actions.append(User.department_id.set(department_id) if department_id else User.department_id.remove())
    same_dept = (User.department_id == old_dept) if old_dept else User.department_id.does_not_exist()
    condition = User.pk.exists() & (User.role == current.role) & same_dept

    def write(tx: Transaction) -> None:
        tx.update("user", User.ref(tid, uid), actions=actions, condition=condition)
        if department_id != old_dept:
            if department_id:
                tx.update("department", Department.ref(tid, department_id),
                          actions=[Department.members_count.add(1)], condition=Department.pk.exists())
            if old_dept:
                tx.update("old_department", Department.ref(tid, old_dept),
                          actions=[Department.members_count.add(-1)])

    def cancelled(failed: set[str]) -> None:
        if "department" in failed:
            _department_missing()
        get_user(tid, uid)  # NotFound when it was deleted meanwhile
        raise Conflict("O usuário foi alterado ao mesmo tempo; recarregue e tente novamente.")

    _transact(write, cancelled)
    return get_user(tid, uid)


def set_active(current: dom.User, active: bool) -> dom.User:
    """Activate (counts against ``max_users``) or deactivate (frees a seat). Idempotent."""
    tid, uid = current.tenant_id, current.user_id
    tenant_ref = Tenant(*Tenant.key(tid))
    now = iso(utcnow())

    def write(tx: Transaction) -> None:
        if active:
            tx.update("tenant", tenant_ref, actions=[Tenant.users_count.add(1)],
                      condition=Tenant.pk.exists() & (Tenant.users_count < Tenant.limits.max_users))
        else:
            tx.update("tenant", tenant_ref, actions=[Tenant.users_count.add(-1)],
                      condition=Tenant.pk.exists())
        tx.update("user", User.ref(tid, uid), actions=[User.active.set(active), User.updated_at.set(now)],
                  condition=User.pk.exists() & (User.active == (not active)))

    def cancelled(failed: set[str]) -> None:
        if "user" in failed:
            fresh = get_user(tid, uid)  # NotFound when it is gone
            if bool(fresh.active) == active:
                return  # already so: nothing to count
            raise Conflict("O usuário foi alterado ao mesmo tempo; tente novamente.")
        if active:
            _limit_or_missing(tid)
        get_tenant(tid)
        raise Conflict("O usuário foi alterado ao mesmo tempo; tente novamente.")

    _transact(write, cancelled)
    return get_user(tid, uid)


def set_away(tenant_id: str, user_id: str, away: bool) -> dom.User:
    """The manual presence switch; NotFound when the user is gone."""
    if not update_if(User.ref(tenant_id, user_id), [User.away.set(away)], User.pk.exists()):
        raise NotFound(NOT_FOUND)
    return get_user(tenant_id, user_id)


def password_changes(password_hash: str, sessions_valid_from: str) -> list:
    """The update actions of a new password that ends every earlier session (reset, change)."""
    return [User.password_hash.set(password_hash), User.sessions_valid_from.set(sessions_valid_from),
            User.updated_at.set(sessions_valid_from)]


def change_password(tenant_id: str, user_id: str, password_hash: str, sessions_valid_from: str) -> None:
    """A new password; sessions and access tokens from before ``sessions_valid_from`` stop working."""
    if not update_if(User.ref(tenant_id, user_id), password_changes(password_hash, sessions_valid_from),
                     User.pk.exists()):
        raise NotFound(NOT_FOUND)


def set_password_hash(tenant_id: str, user_id: str, password_hash: str) -> None:
    User.ref(tenant_id, user_id).update(actions=[User.password_hash.set(password_hash)],
                                        condition=User.pk.exists())
