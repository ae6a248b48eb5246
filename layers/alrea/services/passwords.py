"""Passwords: argon2id (memory-hard) through argon2-cffi; only the hash is ever stored."""
from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from alrea.core.errors import Invalid

MIN_LENGTH = 8
MAX_LENGTH = 256  # hashing is deliberately costly: refuse absurd inputs before paying for them


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id, the library's RFC 9106 "low memory" profile (64 MiB, t=3, p=4)


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise Invalid(f"A senha deve ter pelo menos {MIN_LENGTH} caracteres.", field="password")
    if len(password) > MAX_LENGTH:
        raise Invalid(f"A senha deve ter no máximo {MAX_LENGTH} caracteres.", field="password")


def hash_password(password: str) -> str:
    check_strength(password)
    return hasher().hash(password)


def verify(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so a login costs the same whether or not it exists."""
    return hasher().hash("not-a-real-password-0000")
