"""PictureDownloader: fetch one small image by URL (contacts' profile pictures from WhatsApp's CDN).

The service decides WHICH URLs may be fetched (no open proxy); the port only downloads, under the limits it is
given: no redirects followed, only the given image types kept, a size cap and a timeout. Its two errors tell
the caller what to do: ``PictureRefused`` — never worth a retry; ``PictureUnavailable`` — the server failed
(5xx, timeout, connection error): retry later.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection


class PictureRefused(Exception):
    """The picture cannot be taken (not an image, too big, gone, a redirect): not worth a retry."""


class PictureUnavailable(Exception):
    """The picture's server failed (5xx, timeout, transport error): a retry may succeed."""


class PictureDownloader(ABC):
    @abstractmethod
    def download(self, url: str, *, types: Collection[str], max_bytes: int) -> tuple[bytes, str]:
        """The image's bytes and content type (one of ``types``), at most ``max_bytes`` long."""
