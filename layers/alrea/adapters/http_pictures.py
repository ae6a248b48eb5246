"""HttpxPictureDownloader: the PictureDownloader port over httpx (streamed, no redirects, size-capped)."""
from __future__ import annotations

from collections.abc import Collection

import httpx

from alrea.ports.pictures import PictureDownloader, PictureRefused, PictureUnavailable

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class HttpxPictureDownloader(PictureDownloader):
    def __init__(self, timeout: httpx.Timeout = TIMEOUT, transport: httpx.BaseTransport | None = None) -> None:
        self.timeout = timeout
        self.transport = transport

    def download(self, url: str, *, types: Collection[str], max_bytes: int) -> tuple[bytes, str]:
        try:
            with httpx.Client(timeout=self.timeout, follow_redirects=False, transport=self.transport) as client, \
                    client.stream("GET", url) as answer:
                if answer.status_code in (403, 404, 410) or answer.is_redirect:
                    raise PictureRefused(f"picture answered {answer.status_code}")
                if answer.status_code >= 400:  # 5xx (and other 4xx): worth a retry
                    raise PictureUnavailable(f"picture answered {answer.status_code}")
                content_type = answer.headers.get("content-type", "").split(";")[0].strip().lower()
                if content_type not in types:
                    raise PictureRefused(f"not an image: {content_type or 'no content type'}")
                if int(answer.headers.get("content-length") or 0) > max_bytes:
                    raise PictureRefused("picture too large")
                data = bytearray()
                for chunk in answer.iter_bytes():
                    data += chunk
                    if len(data) > max_bytes:
                        raise PictureRefused("picture too large")
        except httpx.HTTPError as exc:
            raise PictureUnavailable(f"picture download failed: {type(exc).__name__}") from exc
        if not data:
            raise PictureRefused("empty picture")
        return bytes(data), content_type
