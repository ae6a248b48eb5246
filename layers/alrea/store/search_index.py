"""The message-text search index: one item per (message, distinct word), in the single table.

- word item ``pk=T#<tid>#W#<word>  sk=<iso time>#<cid>#<message id>`` — a word's messages, newest first: one
  Query. Words of 4+ characters also carry gsi1 ``T#<tid>#WP#<first 4 characters>`` / the same sort key, so
  a word being typed ("paulis") is one Query of its 4-character partition filtered by ``begins_with(word)``.
- Every item carries what a result shows and what the other query words are checked against: the
  conversation, the message's key, direction, a stored snippet (the text's first 300 characters) and the
  message's words (space-separated), so a search never reads the messages themselves.

Written in BatchWriteItem calls of 25 (unprocessed items retried by PynamoDB); deleted by recomputing the
message's words from its text. Messages have no TTL, so neither do these items.
"""
from __future__ import annotations

from typing import Any, Callable

from pynamodb.attributes import UnicodeAttribute

from alrea.domain.search import Hit
from alrea.store.base import Gsi1, Item
from alrea.store.keys import child_pk


def word_pk(tenant_id: str, word: str) -> str:
    return child_pk(tenant_id, "W", word)


def prefix_pk(tenant_id: str, prefix: str) -> str:
    return child_pk(tenant_id, "WP", prefix)


def entry_sk(at: str, conversation_id: str, message_id: str) -> str:
    return f"{at}#{conversation_id}#{message_id}"


class WordItem(Item):
    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)

    tenant_id = UnicodeAttribute()
    word = UnicodeAttribute()
    conversation_id = UnicodeAttribute()
    message_id = UnicodeAttribute()
    message_sk = UnicodeAttribute()
    direction = UnicodeAttribute()
    at = UnicodeAttribute()
    snippet = UnicodeAttribute(null=True)
    words = UnicodeAttribute()  # every index word of the message, space-separated

    @property
    def word_list(self) -> list[str]:
        return self.words.split()


def _items(tenant_id: str, conversation_id: str, message_id: str, at: str, words: list[str], prefix_len: int,
           **fields: Any) -> list[WordItem]:
    sk = entry_sk(at, conversation_id, message_id)
    out = []
    for word in words:
        item = WordItem(word_pk(tenant_id, word), sk, entity="search_word", tenant_id=tenant_id, word=word,
                        conversation_id=conversation_id, message_id=message_id, at=at, words=" ".join(words),
                        **fields)
        if len(word) >= prefix_len:
            item.gsi1pk, item.gsi1sk = prefix_pk(tenant_id, word[:prefix_len]), sk
        out.append(item)
    return out


def delete_message(tenant_id: str, conversation_id: str, message_id: str, *, at: str, words: list[str]) -> int:
    sk = entry_sk(at, conversation_id, message_id)
    with WordItem.batch_write() as batch:
        for word in words:
            batch.delete(WordItem(word_pk(tenant_id, word), sk))
    return len(words)


def _hit(item: WordItem) -> Hit:
    return Hit(key=item.sk, conversation_id=item.conversation_id, message_id=item.message_id,
               message_sk=item.message_sk, direction=item.direction, at=item.at, snippet=item.snippet,
               words=tuple(item.word_list))


def scan(tenant_id: str, word: str, *, prefix: bool, prefix_len: int, before: str | None, budget: int,
         want: int, accept: Callable[[Hit], bool]) -> tuple[list[Hit], str | None, int]:
    """Newest-first entries of one word (or of every word starting with ``word``) below ``before``, until
    ``want`` were accepted or ``budget`` items were read. Answers (accepted, frontier, items read): the
    frontier is the sort key of the last item DynamoDB evaluated when more may follow (None: exhausted)."""
    if prefix:
        index, attr = WordItem.gsi1, WordItem.gsi1sk
        partition = prefix_pk(tenant_id, word[:prefix_len])
        condition = WordItem.word.startswith(word) if len(word) > prefix_len else None
        last_key = "gsi1sk"
    else:
        index, attr, partition, condition, last_key = WordItem, WordItem.sk, word_pk(tenant_id, word), None, "sk"
    page_size = max(1, min(want, budget))  # the first page: just enough when every item is accepted
    results = index.query(partition, (attr < before) if before else None, filter_condition=condition,
                          scan_index_forward=False, page_size=page_size)
    accepted: list[Hit] = []
    read = 0
    frontier: str | None = None
    for page in results.page_iter:
        read += int(page.get("ScannedCount", 0))
        for raw in page.get("Items", []):
            item = _hit(WordItem.from_raw_data(raw))
            if accept(item):
                accepted.append(item)
        last = page.get("LastEvaluatedKey")
        frontier = last[last_key]["S"] if last else None
        if frontier is None or len(accepted) >= want or read >= budget:
            break
        results.page_iter.page_size = min(max(2 * (want - len(accepted)), 50), budget - read)
    return accepted, frontier, read
