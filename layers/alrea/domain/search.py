"""Search, pure: how text becomes index words and how a typed query becomes words to match.

Words are folded (case-folded, accents removed), split on anything that is not a letter or a digit, at least
``MIN_WORD`` characters, Portuguese stop words dropped, distinct, at most ``MAX_WORDS`` per message (the first
ones) and ``MAX_WORD`` characters each. The same rules read the query, so "Açaí" finds "acai" and "AÇAÍ".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from alrea.domain.contacts import fold

MIN_WORD = 3
MAX_WORD = 40
MAX_WORDS = 40
PREFIX_LEN = 4  # the prefix index partition: the first 4 characters of words of 4+ characters
MIN_QUERY = 3
MAX_QUERY = 80
SNIPPET_STORED = 300
SNIPPET = 140

STOP_WORDS = frozenset("""
a o e as os um uma uns umas de da do das dos em no na nos nas ao aos por pra pro para com sem que se ou
mas nao sim eu tu ele ela nos vos eles elas me te lhe seu sua seus suas meu minha meus minhas teu tua
isso isto esse essa este esta aquele aquela ja tem ter foi ser sao era vai vou mais muito bem the and
voce voces oi ola como qual quem onde quando porque pois entao tambem ate ainda aqui ali la
""".split())

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str | None) -> list[str]:
    """Distinct index words of a text, in order of appearance."""
    found: dict[str, None] = {}
    for word in _WORD.findall(fold(text or "")):
        if len(word) < MIN_WORD or word in STOP_WORDS:
            continue
        found.setdefault(word[:MAX_WORD], None)
        if len(found) >= MAX_WORDS:
            break
    return list(found)


@dataclass(frozen=True)
class Query:
    whole: tuple[str, ...]  # words typed completely: must be words of the message
    prefix: str | None  # the word being typed (the last one, no space after it): a prefix of a message word

    @property
    def terms(self) -> tuple[str, ...]:
        return self.whole + ((self.prefix,) if self.prefix else ())

    def driver(self) -> tuple[str, bool]:
        """The word whose index partition is read (the longest: the rarest, as a rule) and whether it is read
        as a prefix. A prefix shorter than PREFIX_LEN is read as a whole word."""
        candidates = [(len(w), 1, w, False) for w in self.whole]
        if self.prefix:
            candidates.append((len(self.prefix), 0, self.prefix, len(self.prefix) >= PREFIX_LEN))
        _, _, word, as_prefix = max(candidates)
        return word, as_prefix

    def matches(self, message_words: list[str]) -> bool:
        have = set(message_words)
        if any(w not in have for w in self.whole):
            return False
        if self.prefix is None:
            return True
        if len(self.prefix) < PREFIX_LEN:
            return self.prefix in have
        return any(w.startswith(self.prefix) for w in message_words)


def parse_query(q: str) -> Query | None:
    """None when nothing searchable is left (only stop words or words under MIN_WORD characters)."""
    raw = [w for w in _WORD.findall(fold(q)) if len(w) >= MIN_WORD and w not in STOP_WORDS]
    if not raw:
        return None
    raw = [w[:MAX_WORD] for w in raw]
    typed = _WORD.findall(fold(q))
    open_end = q[-1:].isalnum()  # no space or punctuation after the last word: it is still being typed
    if open_end and typed and typed[-1][:MAX_WORD] == raw[-1]:
        whole, prefix = raw[:-1], raw[-1]
    else:
        whole, prefix = raw, None
    return Query(tuple(dict.fromkeys(w for w in whole if w != prefix)), prefix)


def snippet(text: str | None, terms: tuple[str, ...], size: int = SNIPPET) -> str:
    """The part of ``text`` around its first matching word (folded search, original characters shown)."""
    text = " ".join((text or "").split())
    if len(text) <= size:
        return text
    folded = fold(text)
    # fold keeps one character per character for Latin text; fall back to the start when it does not
    at = min((i for i in (folded.find(t) for t in terms) if i >= 0), default=0) if len(folded) == len(text) else 0
    start = max(0, min(at - size // 3, len(text) - size))
    piece = text[start:start + size]
    return ("…" if start > 0 else "") + piece + ("…" if start + size < len(text) else "")


@dataclass(frozen=True)
class Entry:
    """A message's search index entry: its distinct folded words and the snippet stored with each."""
    words: tuple[str, ...]
    snippet: str


@dataclass(frozen=True)
class Hit:
    """One message found under a word (store/search_index.py answers these). ``key`` orders hits newest first
    and is where the next page continues."""
    key: str
    conversation_id: str
    message_id: str
    message_sk: str
    direction: str
    at: str
    snippet: str | None
    words: tuple[str, ...]
