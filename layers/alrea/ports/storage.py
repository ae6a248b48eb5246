"""Storage: tenant media in S3, handed out only through short-lived presigned URLs."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator


class Storage(ABC):
    @abstractmethod
    def put(self, key: str, data: bytes, content_type: str, tags: dict[str, str] | None = None) -> None:
        """Store an object; ``tags`` become S3 object tags (the retention lifecycle rules match on them)."""

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
    def list_keys(self, prefix: str) -> Iterator[str]:
        """Every object key under ``prefix`` (paged listing)."""

    @abstractmethod
    def delete_many(self, keys: list[str]) -> int:
        """Delete objects by key (absent keys are fine); answers how many keys were sent."""

    @abstractmethod
    def health(self) -> str: ...
