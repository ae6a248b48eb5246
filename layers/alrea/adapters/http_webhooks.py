"""WebhookSender over httpx: one POST, no redirects, the answer read up to ``keep_bytes`` then dropped."""
from __future__ import annotations

import socket
import time

import httpx

from alrea.domain.webhooks import PostResult
from alrea.ports.webhook_sender import WebhookSender


class HttpxWebhookSender(WebhookSender):
    def __init__(self) -> None:
        # no connection reuse across tenants' endpoints matters here; a small pool, no env proxies
        self._client = httpx.Client(follow_redirects=False, trust_env=False,
                                    limits=httpx.Limits(max_connections=20, max_keepalive_connections=5))

    def resolve(self, host: str) -> list[str]:
        try:
            infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            return []
        return sorted({str(info[4][0]) for info in infos})

    def post(self, url: str, body: bytes, headers: dict[str, str], *, timeout_s: float,
             keep_bytes: int) -> PostResult:
        started = time.perf_counter()
        try:
            with self._client.stream("POST", url, content=body, headers=headers,
                                     timeout=httpx.Timeout(timeout_s)) as response:
                kept = bytearray()
                for chunk in response.iter_raw():
                    kept += chunk
                    if len(kept) >= keep_bytes or time.perf_counter() - started > timeout_s:
                        break  # not read beyond the first KB; the connection is closed, not drained
                text = bytes(kept[:keep_bytes]).decode("utf-8", errors="replace")
                return PostResult(response.status_code, text, _ms(started))
        except httpx.TimeoutException:
            return PostResult(None, "", _ms(started), f"timeout after {timeout_s:g} s")
        except httpx.HTTPError as exc:
            return PostResult(None, "", _ms(started), f"{type(exc).__name__}: {exc}"[:300])

    def close(self) -> None:
        self._client.close()


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
