"""WebhookSender: POSTs a signed webhook body to a partner's URL (the HTTP client stays out of services).

``resolve(host)`` answers the addresses a name resolves to, so the service can refuse loopback/private/link-local
targets after DNS; ``post`` sends with a short timeout and reads at most ``keep_bytes`` of the answer.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

from alrea.domain.webhooks import PostResult


class WebhookSender(ABC):
    @abstractmethod
    def resolve(self, host: str) -> list[str]:
        """The IP addresses ``host`` resolves to (an IP literal answers itself); [] when it does not resolve."""

    @abstractmethod
    def post(self, url: str, body: bytes, headers: dict[str, str], *, timeout_s: float,
             keep_bytes: int) -> PostResult:
        """One POST, no redirects followed; transport errors come back as ``PostResult.error``."""

    def close(self) -> None:
        """Release connections."""
