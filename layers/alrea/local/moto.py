"""The embedded AWS: moto's server in this process, over real HTTP, so boto3 and PynamoDB run unchanged.

`python -m alrea.local.moto --port N` runs the same emulator in a process of its own (the benches use it so the
emulator does not share the runtime's GIL)."""
from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import threading
import time

import httpx

from alrea.core.log import logger

DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                     "AWS_SESSION_TOKEN": "testing"}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class EmbeddedMoto:
    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.url = f"http://{host}:{self.port}"
        self._server = None

    def environment(self) -> dict[str, str]:
        """What the process needs to talk to this moto (MOTO_PORT: Step Functions integrations call back)."""
        return {**DUMMY_CREDENTIALS, "AWS_ENDPOINT_URL": self.url, "MOTO_PORT": str(self.port)}

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        from alrea.local import moto_dynamodb

        moto_dynamodb.install()  # serialised requests, journal rollback, partition queries
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access lines
        os.environ["MOTO_PORT"] = str(self.port)  # read by moto when a state machine calls a service
        self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(self.url + "/moto-api/", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        # Step Functions runs definitions only in moto's "parser mode"
        httpx.post(self.url + "/moto-api/config", json={"stepfunctions": {"execute_state_machine": True}},
                   timeout=5).raise_for_status()
        logger.info("moto started", extra={"url": self.url})

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None


def main() -> None:
    parser = argparse.ArgumentParser(description="the embedded moto, in a process of its own")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    server = EmbeddedMoto(args.host, args.port)
    server.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    server.stop()


if __name__ == "__main__":
    main()
