"""Headers for file downloads. HTTP headers are Latin-1: a name like "Promoção" goes in RFC 6266's
``filename*`` (UTF-8, percent-encoded) with an ASCII ``filename`` fallback for old clients."""
from __future__ import annotations

import unicodedata
from urllib.parse import quote


def attachment(filename: str) -> dict[str, str]:
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    ascii_name = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in ascii_name) or "download"
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}
