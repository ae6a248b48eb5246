"""Passwords: argon2id (memory-hard) through argon2-cffi; only the hash is ever stored.

Every password that is set (sign-up, user creation) must be hard to guess, checked offline with zxcvbn
(its frequency lists of common passwords, names and words, keyboard patterns, repeats, sequences and dates),
with the person's e-mail, name and company as extra words: a score under ``MIN_SCORE`` is refused with a
pt-BR reason ("Senha muito comum.", "Senha fácil de adivinhar: …").
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from zxcvbn import zxcvbn

from alrea.core.errors import Invalid

MIN_LENGTH = 8
MAX_LENGTH = 256  # hashing is deliberately costly: refuse absurd inputs before paying for them
MIN_SCORE = 3  # zxcvbn 0..4; 3 = "safely unguessable" (about 10^8 guesses or more)
ZXCVBN_MAX_CHARS = 100  # zxcvbn's cost grows with the length; a longer tail adds only strength
TOO_COMMON = "Senha muito comum: escolha outra, de preferência uma frase com várias palavras."
_GUESSABLE = "Senha fácil de adivinhar: {reason}. Use uma frase com várias palavras, números e símbolos."
_REASONS = {  # zxcvbn's match patterns -> pt-BR
    "spatial": "é uma sequência de teclas do teclado",
    "repeat": "repete caracteres ou trechos",
    "sequence": "é uma sequência como \"abc\" ou \"6543\"",
    "regex": "usa um ano recente",
    "date": "usa uma data",
    "user_inputs": "contém o seu nome, e-mail ou o nome da empresa",
    "names": "usa nomes ou sobrenomes comuns",
    "words": "usa palavras comuns",
}


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id, the library's RFC 9106 "low memory" profile (64 MiB, t=3, p=4)


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise Invalid(f"A senha deve ter pelo menos {MIN_LENGTH} caracteres.", field="password")
    if len(password) > MAX_LENGTH:
        raise Invalid(f"A senha deve ter no máximo {MAX_LENGTH} caracteres.", field="password")


def words_of(*values: str | None) -> list[str]:
    """The user's own words (e-mail parts, name, company) zxcvbn should treat as guessable."""
    words: list[str] = []
    for value in values:
        if value:
            words.append(value.lower())
            words.extend(w for w in re.split(r"[^\w]+", value.lower()) if len(w) >= 3)
    return list(dict.fromkeys(words))


def check_guessability(password: str, user_inputs: Iterable[str] = ()) -> None:
    """Invalid (pt-BR reason) for a common or easily guessed password."""
    result = zxcvbn(password[:ZXCVBN_MAX_CHARS], user_inputs=list(user_inputs))
    if result["score"] >= MIN_SCORE:
        return
    matches = result.get("sequence") or []
    if any(m.get("dictionary_name") == "passwords" and len(m.get("token", "")) * 2 >= len(password)
           for m in matches):
        raise Invalid(TOO_COMMON, field="password")
    raise Invalid(_GUESSABLE.format(reason=_reason(matches)), field="password")


def _reason(matches: list[dict]) -> str:
    named = [m for m in matches if m.get("pattern") != "bruteforce"] or matches  # what made it guessable
    weakest = max(named, key=lambda m: len(m.get("token", "")), default={})
    pattern = weakest.get("pattern", "")
    if pattern == "dictionary":
        name = weakest.get("dictionary_name", "")
        if name == "user_inputs":
            return _REASONS["user_inputs"]
        if name in ("surnames", "male_names", "female_names"):
            return _REASONS["names"]
        if name == "passwords":
            return "parece uma senha comum"
        return _REASONS["words"]
    return _REASONS.get(pattern, "é curta ou previsível demais")


def hash_password(password: str, user_inputs: Iterable[str] = ()) -> str:
    """Check length and guessability (with the user's own words), then hash."""
    check_strength(password)
    check_guessability(password, user_inputs)
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
