"""/api/search: the inbox search — messages by words of their text (role-scoped, newest first, paginated) and
contacts by any part of their name or phone."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from alrea.api.deps import CurrentUser
from alrea.services import search

router = APIRouter(prefix="/api/search", tags=["search"])


@router.get("")
def search_inbox(caller: CurrentUser, q: str = Query("", max_length=200, description="words to find (3..80)"),
                 limit: int = Query(20, ge=1, le=search.MAX_LIMIT),
                 cursor: str | None = Query(None, max_length=512, description="next_cursor of the previous page")
                 ) -> dict[str, Any]:
    return search.search(caller, q, limit=limit, cursor=cursor)
