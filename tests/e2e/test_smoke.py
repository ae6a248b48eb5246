"""``alrea smoke`` against the real ``alrea dev``, as CI runs it so the command cannot rot; and ``alrea dev``
signs with its own generated key, so a token forged with the public local default is refused."""
from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import jwt
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[2]


def _child_env() -> dict[str, str]:
    """The environment of a CLI run by an operator: none of the test session's ALREA_/moto settings."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("ALREA_", "AWS_ENDPOINT_URL")) and k not in ("MOTO_PORT", "BROKER_URL")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

CHECKS = ("health", "sign-up", "websocket open", "websocket ping", "push received")


def smoke(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "alrea.local.cli", "smoke", *args], cwd=ROOT,
                          env=_child_env(), capture_output=True, text=True, timeout=120)


def lines_of(output: str) -> dict[str, str]:
    """check name -> its status word, from the report lines ``  PASS  health   12 ms  ...``."""
    found = {}
    for line in output.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] in ("PASS", "FAIL", "SKIP"):
            for name in CHECKS:
                if line[8:].startswith(name):
                    found[name] = words[0]
    return found


def test_smoke_passes_against_the_local_runtime(platform):
    result = smoke("--base", platform.base_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines_of(result.stdout) == {name: "PASS" for name in CHECKS}, result.stdout
    assert "PASS: 5/5 checks passed" in result.stdout
    assert " ms " in result.stdout  # timings are printed


def test_smoke_fails_with_a_non_zero_exit_when_the_websocket_is_wrong(platform):
    wrong_ws = platform.base_url.replace("http", "ws", 1) + "/no-such-socket"
    result = smoke("--base", platform.base_url, "--ws", wrong_ws, "--timeout", "5")
    assert result.returncode == 1, result.stdout
    assert lines_of(result.stdout) == {"health": "PASS", "sign-up": "PASS", "websocket open": "FAIL",
                                       "websocket ping": "SKIP", "push received": "SKIP"}, result.stdout
    assert "FAIL: 2/5 checks passed" in result.stdout


def test_smoke_fails_when_nothing_answers():
    result = smoke("--base", f"http://127.0.0.1:{_free_port()}", "--timeout", "3")
    assert result.returncode == 1
    assert lines_of(result.stdout)["health"] == "FAIL" and "FAIL: 0/5" in result.stdout


def test_the_echo_action_refuses_a_bad_nonce_and_pushes_only_to_the_caller(platform):
    def login(email: str) -> str:
        r = httpx.post(platform.base_url + "/api/auth/login",
                       json={"email": email, "password": platform.password}, timeout=20)
        assert r.status_code == 200, r.text
        return r.json()["access"]

    admin, agent = login(platform.admin_email), login(platform.agent_email)
    with connect(f"{platform.ws_url}?token={admin}", open_timeout=20) as ws_admin, \
            connect(f"{platform.ws_url}?token={agent}", open_timeout=20) as ws_agent:
        def frames(ws, n: int) -> list[dict]:
            """The next n frames, leaving out the team's presence pushes (the admin hears the agent connect)."""
            got: list[dict] = []
            while len(got) < n:
                frame = json.loads(ws.recv(timeout=20))
                if frame.get("type") != "presence":
                    got.append(frame)
            return got

        ws_admin.send(json.dumps({"action": "echo"}))
        [answer] = frames(ws_admin, 1)
        assert answer["type"] == "error" and "nonce" in answer["message"]
        nonce = uuid.uuid4().hex
        ws_admin.send(json.dumps({"action": "echo", "nonce": nonce}))
        got = frames(ws_admin, 2)
        assert {"type": "echo_sent"} in got and {"type": "echo", "nonce": nonce} in got
        ws_agent.send(json.dumps({"action": "ping"}))  # the agent's socket sees its pong, never the echo
        assert frames(ws_agent, 1) == [{"type": "pong"}]


def test_alrea_dev_signs_with_its_own_key_not_the_public_default(platform):
    from alrea.core.config import LOCAL_JWT_SECRET

    key_file = platform.data_dir / "jwt-secret"  # the platform's own data directory
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    r = httpx.post(platform.base_url + "/api/auth/login",
                   json={"email": platform.admin_email, "password": platform.password}, timeout=20)
    claims = jwt.decode(r.json()["access"], options={"verify_signature": False})
    now = datetime.now(UTC)
    forged = jwt.encode({**claims, "iat": now, "exp": now + timedelta(minutes=5)}, LOCAL_JWT_SECRET,
                        algorithm="HS256")
    assert httpx.get(platform.base_url + "/api/me", headers={"Authorization": f"Bearer {forged}"},
                     timeout=20).status_code == 401
    assert httpx.get(platform.base_url + "/api/me", headers={"Authorization": f"Bearer {r.json()['access']}"},
                     timeout=20).status_code == 200


def test_the_websocket_url_defaults_next_to_the_base_and_honours_ws():
    from alrea.local.smoke import websocket_url

    assert websocket_url("http://127.0.0.1:8000/", None) == "ws://127.0.0.1:8000/ws"
    assert websocket_url("https://app.example.com", None) == "wss://app.example.com/ws"
    aws = "wss://abc.execute-api.sa-east-1.amazonaws.com/live"
    assert websocket_url("https://def.execute-api.sa-east-1.amazonaws.com/prod", aws) == aws
