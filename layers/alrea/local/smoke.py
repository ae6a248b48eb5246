"""``alrea smoke --base URL [--ws URL]``: is a deployment alive, end to end? PASS/FAIL with timings.

Checks, in order (a failed check skips the ones that depend on it):

1. ``GET /api/health`` answers 200 with every component ``ok`` (table, queues, bucket, broker);
2. sign-up of a throw-away tenant (``Smoke <timestamp>``, ``smoke+<hex>@<domain>``, a random 32-byte
   password) answers 201 with tokens — the API function, the table, the JWT key from Secrets Manager;
3. the WebSocket opens with the access token (``$connect`` verifies it and stores the connection);
4. ``{"action": "ping"}`` answers ``pong`` (the ``$default`` route and its route response);
5. ``{"action": "echo", "nonce"}`` comes back as a *pushed* event to the user's group (the connection index
   and the Push adapter: API Gateway's management API on AWS, in-process sockets locally).

The WebSocket URL: ``--ws`` (on AWS, the stack's ``WebSocketUrl`` output, ``wss://…/live``), else the local
runtime's ``<base>/ws``. Exit status 0 when every check passed, 1 otherwise. The throw-away tenants stay
(their names start with "Smoke "); nothing else is written.
"""
from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
from websockets.sync.client import ClientConnection, connect

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"


class SmokeFailure(Exception):
    """A check failed: the message says what was expected and what came back."""


@dataclass
class Check:
    name: str
    status: str = SKIP
    elapsed_ms: float = 0.0
    detail: str = ""


@dataclass
class SmokeRun:
    base: str
    ws: str
    timeout_s: float = 20.0
    email_domain: str = "example.com"
    checks: list[Check] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.status == PASS for c in self.checks)


def websocket_url(base: str, ws: str | None) -> str:
    """``--ws`` as given, else the local runtime's ``ws(s)://<host>/ws`` next to the REST base."""
    if ws:
        return ws
    parts = urlsplit(base.rstrip("/"))
    scheme = "wss" if parts.scheme == "https" else "ws"
    return urlunsplit((scheme, parts.netloc, parts.path + "/ws", "", ""))


def _with_token(url: str, token: str) -> str:
    return url + ("&" if "?" in url else "?") + "token=" + quote(token, safe="")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise SmokeFailure(f"HTTP {response.status_code}, not JSON: {response.text[:200]!r}") from None
    if not isinstance(body, dict):
        raise SmokeFailure(f"HTTP {response.status_code}, unexpected body {body!r:.200}")
    return body


# ---------------------------------------------------------------- the checks
def check_health(run: SmokeRun, http: httpx.Client) -> str:
    response = http.get("/api/health")
    body = _json(response)
    components = body.get("components") or {}
    summary = ", ".join(f"{k} {v}" for k, v in components.items())
    if response.status_code != 200 or body.get("status") != "ok":
        raise SmokeFailure(f"HTTP {response.status_code}, status {body.get('status')!r}: {summary}")
    return summary


def check_signup(run: SmokeRun, http: httpx.Client) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    email = f"smoke+{uuid.uuid4().hex[:12]}@{run.email_domain}"
    response = http.post("/api/auth/signup", json={
        "company": f"Smoke {stamp}", "name": "Smoke Test", "email": email,
        "password": secrets.token_urlsafe(32),  # random and long: passes any strength rule
    })
    body = _json(response)
    if response.status_code != 201 or not body.get("access"):
        raise SmokeFailure(f"HTTP {response.status_code}: {body.get('message') or body}")
    run.state["access"] = body["access"]
    return f"tenant {body.get('tenant', {}).get('id')} ({email})"


def check_ws_open(run: SmokeRun, _http: httpx.Client) -> str:
    try:
        run.state["socket"] = connect(_with_token(run.ws, run.state["access"]), open_timeout=run.timeout_s,
                                      close_timeout=2)
    except Exception as exc:  # noqa: BLE001 - any refusal is the failure to report
        raise SmokeFailure(f"{run.ws}: {type(exc).__name__}: {exc}") from None
    return run.ws


def _receive(socket: ClientConnection, timeout_s: float, wanted: Callable[[dict[str, Any]], bool]) -> dict:
    deadline = time.monotonic() + timeout_s
    seen = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            frame = socket.recv(timeout=left)
        except TimeoutError:
            break
        try:
            message = json.loads(frame)
        except ValueError:
            continue
        if isinstance(message, dict) and wanted(message):
            return message
        seen.append(message)
        if isinstance(message, dict) and message.get("type") == "error":
            raise SmokeFailure(f"the server answered an error: {message.get('message')}")
    raise SmokeFailure(f"nothing matching within {timeout_s:.0f}s; received {seen!r:.300}")


def check_ping(run: SmokeRun, _http: httpx.Client) -> str:
    socket = run.state["socket"]
    socket.send(json.dumps({"action": "ping"}))
    _receive(socket, run.timeout_s, lambda m: m.get("type") == "pong")
    return "pong"


def check_push(run: SmokeRun, _http: httpx.Client) -> str:
    socket = run.state["socket"]
    nonce = uuid.uuid4().hex
    socket.send(json.dumps({"action": "echo", "nonce": nonce}))
    _receive(socket, run.timeout_s, lambda m: m.get("type") == "echo" and m.get("nonce") == nonce)
    return "echo pushed to the user's group"


CHECKS: tuple[tuple[str, Callable[[SmokeRun, httpx.Client], str]], ...] = (
    ("health", check_health),
    ("sign-up", check_signup),
    ("websocket open", check_ws_open),
    ("websocket ping", check_ping),
    ("push received", check_push),
)


# ---------------------------------------------------------------- running and reporting
def run_smoke(base: str, ws: str | None = None, *, timeout_s: float = 20.0, email_domain: str = "example.com",
              out: TextIO = sys.stdout) -> SmokeRun:
    run = SmokeRun(base=base.rstrip("/"), ws=websocket_url(base, ws), timeout_s=timeout_s,
                   email_domain=email_domain)
    out.write(f"alrea smoke: {run.base}  (WebSocket {run.ws})\n")
    started = time.monotonic()
    failed = False
    try:
        with httpx.Client(base_url=run.base, timeout=timeout_s, follow_redirects=False) as http:
            for name, step in CHECKS:
                check = Check(name)
                run.checks.append(check)
                if failed:
                    check.detail = "skipped: an earlier check failed"
                else:
                    t0 = time.monotonic()
                    try:
                        check.detail = step(run, http)
                        check.status = PASS
                    except SmokeFailure as exc:
                        check.status, check.detail, failed = FAIL, str(exc), True
                    except (httpx.HTTPError, OSError) as exc:
                        check.status, check.detail, failed = FAIL, f"{type(exc).__name__}: {exc}", True
                    check.elapsed_ms = (time.monotonic() - t0) * 1000
                out.write(f"  {check.status}  {check.name:<15} {check.elapsed_ms:8.0f} ms  {check.detail}\n")
                out.flush()
    finally:
        socket = run.state.pop("socket", None)
        if socket is not None:
            socket.close()
    total = time.monotonic() - started
    passed = sum(c.status == PASS for c in run.checks)
    verdict = PASS if run.passed else FAIL
    out.write(f"{verdict}: {passed}/{len(run.checks)} checks passed in {total:.2f}s\n")
    out.flush()
    return run


def add_parser(commands: argparse._SubParsersAction) -> None:
    smoke = commands.add_parser("smoke", help="check a running deployment end to end (PASS/FAIL, timings)")
    smoke.add_argument("--base", required=True,
                       help="REST base URL: http://127.0.0.1:8000 locally, the stack's RestUrl on AWS")
    smoke.add_argument("--ws", default=None,
                       help="WebSocket URL (on AWS the stack's WebSocketUrl output); default <base>/ws")
    smoke.add_argument("--timeout", type=float, default=20.0, help="seconds each check may take")
    smoke.add_argument("--email-domain", default="example.com",
                       help="domain of the throw-away admin's e-mail")


def main(args: argparse.Namespace) -> int:
    run = run_smoke(args.base, args.ws, timeout_s=args.timeout, email_domain=args.email_domain)
    return 0 if run.passed else 1
