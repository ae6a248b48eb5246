"""Storage: tenant media in S3, handed out only through short-lived presigned URLs."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator


class Storage(ABC):
    @abstractmethod
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    @abstractmethod
    def get(self, key: str) -> bytes: ...

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def open_stream(self, key: str, chunk_size: int = 64 * 1024) -> Iterator[bytes]:
        """The object's bytes in chunks, streamed (never loaded whole)."""

    @abstractmethod
    def presign_get(self, key: str, ttl_s: int, filename: str | None = None) -> str: ...

    @abstractmethod
    def presign_put(self, key: str, ttl_s: int, content_type: str) -> str: ...

    @abstractmethod
    def health(self) -> str: ...
