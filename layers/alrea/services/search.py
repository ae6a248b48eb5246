"""Inbox search: messages by the words of their text, and contacts by any part of their name or phone.

Messages (store/search_index.py): every stored message with text (inbound and outbound, captions included;
internal notes and reactions are not indexed) gets one index item per distinct folded word
(alrea.domain.search.words). A received message and an inbox send write their words in the message's own
transaction (:func:`entry_of` → store/messages.record_message: exactly once with the message; DECISIONS 29);
a ``messages.delete`` webhook removes them (the ``message deleted`` hook).

A search reads ONE partition: the longest query word (exact), or, for the word being typed, its 4-character
prefix partition filtered by ``begins_with``; the other words are checked against the words stored on each
item. Results are newest first. The conversations of a page are read in one BatchGetItem and every result is
checked with audience.can_see_item: a message of a conversation the caller may not see never shows. A page
reads at most ``READ_BUDGET`` index items and may come back short, with a ``next_cursor`` to continue.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from alrea.core.errors import Invalid
from alrea.core.log import logger
from alrea.domain import search as dom
from alrea.domain.roles import Principal
from alrea.services import audience
from alrea.store import paging
from alrea.store import conversations, search_index

MAX_LIMIT = 50
READ_BUDGET = 600
CONTACTS_LIMIT = 5
NOT_INDEXED_KINDS = ("note", "reaction")
_CURSOR = re.compile(r"^\d{4}-\d{2}-\d{2}T[0-9:.]+Z#[0-9a-f-]{36}#[A-Za-z0-9_.:@-]{1,128}$")


# ---------------------------------------------------------------- indexing
def entry_of(message: dict[str, Any]) -> dom.Entry | None:
    """The index entry of a message (its view), or None when it is not indexed (notes, reactions, no words).
    The inbound pipeline writes it in the message's own transaction (store/messages.record_message)."""
    if message.get("kind") in NOT_INDEXED_KINDS or message.get("direction") not in ("in", "out"):
        return None
    words = dom.words(message.get("text"))
    if not words:
        return None
    return dom.Entry(tuple(words), " ".join(str(message.get("text") or "").split())[:dom.SNIPPET_STORED])


def unindex_message(tenant_id: str, message: dict[str, Any]) -> int:
    words = dom.words(message.get("text"))
    if not words:
        return 0
    count = search_index.delete_message(tenant_id, message["conversation_id"], message["id"],
                                        at=message["sent_at"], words=words)
    logger.info("message removed from the search index", extra={"message_id": message["id"], "words": count})
    return count


def on_message_deleted(fact: Any) -> None:
    """hooks.ON_MESSAGE_DELETED listener."""
    unindex_message(fact.tenant_id, fact.message)


# ---------------------------------------------------------------- searching
def _query(q: str | None) -> dom.Query:
    text = q or ""
    if len(text.strip()) < dom.MIN_QUERY:
        raise Invalid(f"Digite ao menos {dom.MIN_QUERY} caracteres para buscar.", field="q")
    if len(text) > dom.MAX_QUERY:
        raise Invalid(f"A busca pode ter até {dom.MAX_QUERY} caracteres.", field="q")
    return dom.parse_query(text) or dom.Query((), None)


def _paging(caller: Principal, q: str | None) -> paging.Query:
    """A search cursor is bound to the tenant, the caller and the words searched (store/paging.py)."""
    return paging.Query(caller.tenant_id, "search", {"user": caller.user_id, "q": " ".join((q or "").split())})


def encode_cursor(caller: Principal, q: str | None, before: str | None) -> str | None:
    return paging.encode(_paging(caller, q), before)


def decode_cursor(caller: Principal, q: str | None, cursor: str | None) -> str | None:
    before = paging.decode(_paging(caller, q), cursor)
    if before is not None and not (isinstance(before, str) and _CURSOR.match(before)):
        raise Invalid(paging.BAD_CURSOR, field="cursor")
    return before


@dataclass
class MessagePage:
    results: list[dict[str, Any]]
    next_before: str | None
    index_reads: int  # index items DynamoDB read (filtered ones included)
    conversation_reads: int  # conversations read to check visibility


def search_messages(caller: Principal, query: dom.Query, *, limit: int, before: str | None) -> MessagePage:
    page = MessagePage([], None, 0, 0)
    if not query.terms:
        return page
    word, as_prefix = query.driver()
    convs: dict[str, Any] = {}
    seen: set[str] = set()
    found: list[tuple[Any, Any]] = []
    frontier = before
    rounds = 0
    while True:
        # after a round whose results the caller could mostly not see, read wider pages (fewer round trips)
        wider = 1 if rounds == 0 else min(8, 2 ** rounds)
        items, frontier, read = search_index.scan(
            caller.tenant_id, word, prefix=as_prefix, prefix_len=dom.PREFIX_LEN, before=frontier,
            budget=READ_BUDGET - page.index_reads, want=(limit + 1 - len(found)) * wider,
            accept=lambda i: query.matches(list(i.words)))
        rounds += 1
        page.index_reads += read
        missing = [i.conversation_id for i in items if i.conversation_id not in convs]
        if missing:
            fetched = conversations.find_many(caller.tenant_id, missing)
            page.conversation_reads += len(set(missing))
            convs.update({cid: fetched.get(cid) for cid in missing})
        for item in items:
            conv = convs.get(item.conversation_id)
            if item.key in seen or conv is None or not audience.can_see_item(caller, conv):
                continue
            seen.add(item.key)
            found.append((item, conv))
        if frontier is None or len(found) > limit or page.index_reads >= READ_BUDGET:
            break
    shown = found[:limit]
    page.next_before = shown[-1][0].key if len(found) > limit else frontier
    page.results = [{
        "conversation_id": item.conversation_id, "message_id": item.message_id, "message_sk": item.message_sk,
        "snippet": dom.snippet(item.snippet, query.terms), "at": item.at, "direction": item.direction,
        "contact_name": conv.contact_name or conv.phone, "phone": conv.phone, "terms": list(query.terms),
    } for item, conv in shown]
    return page


def search(caller: Principal, q: str | None, *, limit: int = 20, cursor: str | None = None) -> dict[str, Any]:
    """``GET /api/search``: messages (newest first, paginated) and, on the first page, contacts."""
    from alrea.services import contacts

    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit deve estar entre 1 e {MAX_LIMIT}.", field="limit")
    query = _query(q)
    before = decode_cursor(caller, q, cursor)
    page = search_messages(caller, query, limit=limit, before=before)
    found_contacts = [] if cursor else contacts.search_any(caller.tenant_id, (q or "").strip(), CONTACTS_LIMIT)
    logger.info("search", extra={"results": len(page.results), "index_reads": page.index_reads,
                                 "conversation_reads": page.conversation_reads})
    return {"messages": page.results, "contacts": found_contacts, "next_cursor": encode_cursor(caller, q, page.next_before)}
