"""The one paging codec: a cursor is opaque, bound to its tenant and query, and refuses tampering."""
from __future__ import annotations

import pytest

from alrea.core.errors import Invalid
from alrea.store import paging
from alrea.store.paging import Page, Query

KEY = {"pk": "T#a#MSG#1", "sk": "2026-12-02T10:00:00Z#m1"}


def test_round_trip_gives_back_the_key():
    q = Query("tenant-a", "messages", {"conversation": "c1"})
    cursor = paging.encode(q, KEY)
    assert isinstance(cursor, str) and "T#a" not in cursor
    assert paging.decode(q, cursor) == KEY


def test_no_key_means_no_cursor_and_no_cursor_means_the_first_page():
    q = Query("tenant-a", "contacts")
    assert paging.encode(q, None) is None
    assert paging.decode(q, None) is None
    assert paging.decode(q, "") is None


@pytest.mark.parametrize("other", [
    Query("tenant-b", "messages", {"conversation": "c1"}),   # another tenant replays it
    Query("tenant-a", "campaigns", {"conversation": "c1"}),  # another list
    Query("tenant-a", "messages", {"conversation": "c2"}),   # the same list, other filters
    Query("tenant-a", "messages"),                           # filters dropped
], ids=["tenant", "list", "filters", "no-filters"])
def test_a_cursor_only_continues_the_query_it_came_from(other):
    cursor = paging.encode(Query("tenant-a", "messages", {"conversation": "c1"}), KEY)
    with pytest.raises(Invalid) as err:
        paging.decode(other, cursor)
    assert err.value.details == {"field": "cursor"}


@pytest.mark.parametrize("bad", ["x", "not-a-cursor.at-all", "e30", "%%%", "a" * 300])
def test_garbage_answers_invalid(bad):
    with pytest.raises(Invalid):
        paging.decode(Query("t", "contacts"), bad)


def test_a_tampered_cursor_fails_its_signature():
    q = Query("tenant-a", "messages")
    cursor = paging.encode(q, KEY)
    body, _, sig = cursor.rpartition(".")
    forged = paging.encode(Query("tenant-a", "x"), {"pk": "T#b#MSG#1", "sk": "z"}).rpartition(".")[0]
    with pytest.raises(Invalid):
        paging.decode(q, f"{forged}.{sig}")
    flipped = body[:-1] + ("A" if body[-1] != "A" else "B")
    with pytest.raises(Invalid):
        paging.decode(q, f"{flipped}.{sig}")


def test_page_shape_is_items_and_next_cursor():
    page = Page([1, 2], "c").map(lambda i: i * 10)
    assert page.as_json() == {"items": [10, 20], "next_cursor": "c"}
    assert paging.clamp(None) == 50 and paging.clamp(0) == 1 and paging.clamp(10_000) == paging.MAX_LIMIT
