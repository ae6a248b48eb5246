"""LocalSender: the local stand-in for API Gateway's management API (post_to_connection).

The gateway registers each live WebSocket here under its connection id. Handlers run in worker threads
(the gateway's thread pool, the pollers, the ticker) while the sockets belong to the event loop, so a send
hops onto the loop with ``run_coroutine_threadsafe`` and waits briefly for the frame to be written.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any

from alrea.adapters.push import Sender
from alrea.core.log import logger

SEND_TIMEOUT_S = 5.0
CLOSE_DROPPED = 4403  # the server dropped the connection: its user was deactivated or changed role


class LocalSender(Sender):
    def __init__(self) -> None:
        self._sockets: dict[str, tuple[Any, asyncio.AbstractEventLoop]] = {}
        self._lock = threading.Lock()

    # ---- the gateway's side (called on the event loop)
    def register(self, connection_id: str, websocket: Any, loop: asyncio.AbstractEventLoop | None = None) -> None:
        with self._lock:
            self._sockets[connection_id] = (websocket, loop or asyncio.get_running_loop())

    def unregister(self, connection_id: str) -> None:
        with self._lock:
            self._sockets.pop(connection_id, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._sockets)

    # ---- the Push port's side (called from any thread)
    def close(self, connection_id: str) -> None:
        """Close one socket from the server side (like API Gateway's delete_connection)."""
        with self._lock:
            entry = self._sockets.pop(connection_id, None)
        if entry is None:
            return
        websocket, loop = entry
        if loop.is_closed():
            return
        future = asyncio.run_coroutine_threadsafe(websocket.close(code=CLOSE_DROPPED), loop)
        try:
            future.result(timeout=SEND_TIMEOUT_S)
        except Exception as exc:  # noqa: BLE001 - already closing or closed
            logger.info("websocket close failed", extra={"connection_id": connection_id, "error": repr(exc)})


    def send(self, connection_id: str, data: bytes) -> bool:
        """Deliver one frame; False when the connection is gone (like API Gateway's GoneException)."""
        with self._lock:
            entry = self._sockets.get(connection_id)
        if entry is None:
            return False
        websocket, loop = entry
        if loop.is_closed():
            self.unregister(connection_id)
            return False
        coro = websocket.send_text(data.decode("utf-8"))
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:  # already on the loop: schedule without blocking it
            loop.create_task(coro)
            return True
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        try:
            future.result(timeout=SEND_TIMEOUT_S)
            return True
        except (concurrent.futures.TimeoutError, RuntimeError, ConnectionError, OSError) as exc:
            logger.info("websocket send failed", extra={"connection_id": connection_id, "error": repr(exc)})
        except Exception as exc:  # noqa: BLE001 - starlette raises its own closed-socket errors
            logger.info("websocket send failed", extra={"connection_id": connection_id, "error": repr(exc)})
        future.cancel()
        self.unregister(connection_id)
        return False
