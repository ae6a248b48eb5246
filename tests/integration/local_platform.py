"""Plumbing shared by the integration tests that run the local runtime (alrea dev's pieces, in-process): polling
for an eventual outcome, and a platform on its own table, bucket and queues with only the functions a test
needs (and the Evolution simulator)."""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any


def wait_for(check: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    """``check()``'s first truthy answer, polled every 0.1 s; AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout}s")
        time.sleep(0.1)


@contextmanager
def local_platform(prefix: str, functions: Sequence[str]) -> Iterator[Any]:
    """A LocalRuntime with the simulator and ``functions`` (registry names) on resources named after ``prefix``."""
    from alrea import registry
    from alrea.local.moto import free_port
    from alrea.local.runtime import LocalRuntime, RuntimeOptions

    suffix = uuid.uuid4().hex[:8]
    rt = LocalRuntime(RuntimeOptions(
        port=free_port(), table_name=f"{prefix}-{suffix}", bucket_name=f"{prefix}-{suffix}",
        queue_prefix=f"{prefix}{suffix}-", seed=False, spa_dir=None, simulator=True, visibility_override_s=2,
        poll_wait_s=0.2, functions=[registry.by_name(n) for n in functions])).start()
    try:
        yield rt
    finally:
        rt.stop()
