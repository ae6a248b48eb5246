"""The e2e suite drives the real ``alrea dev`` (python -m alrea.local.cli dev) in a subprocess.

``platform`` starts it once per session on a free port with its own embedded moto (the AWS variables the root
conftest sets for the other suites are removed from its environment), waits for /api/health and yields the
base URL with the demo logins. The process log is written to a temp file and shown if startup fails.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 60


@dataclass(frozen=True)
class Platform:
    base_url: str
    ws_url: str
    admin_email: str
    manager_email: str
    agent_email: str
    password: str
    log_path: Path
    data_dir: Path  # this platform's own (JWT key, runtime.json): two workers' platforms never share one
    simulator_url: str = ""  # the Evolution simulator of this platform (control API under /_sim/)
    demo_number: str = ""  # Evolution instance name of the demo tenant's connected number

    def inject(self, phone: str, text: str, **extra: object) -> dict:
        """A WhatsApp user writes to the demo number (through the simulator, like a real phone would)."""
        response = httpx.post(f"{self.simulator_url}/_sim/instances/{self.demo_number}/inbound",
                              json={"from": phone, "text": text, **extra}, timeout=10)
        response.raise_for_status()
        return response.json()

    def sent(self) -> list[dict]:
        """What the simulator received from us (sends through the Evolution API)."""
        response = httpx.get(f"{self.simulator_url}/_sim/sent", params={"instance": self.demo_number}, timeout=10)
        response.raise_for_status()
        return response.json()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ALREA_", "AWS_ENDPOINT_URL")) and k not in ("MOTO_PORT", "BROKER_URL")}
    env.update(PYTHONUNBUFFERED="1", POWERTOOLS_LOG_LEVEL=os.environ.get("E2E_LOG_LEVEL", "INFO"))
    return env


@pytest.fixture(scope="session")
def platform():
    from alrea.local import seed

    port = _free_port()
    log_path = Path(tempfile.mkstemp(prefix="alrea-dev-", suffix=".log")[1])
    data_dir = Path(tempfile.mkdtemp(prefix="alrea-data-"))
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "alrea.local.cli", "dev", "--port", str(port), "--no-build"],
            cwd=ROOT, env={**_child_env(), "ALREA_DATA_DIR": str(data_dir)}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"alrea dev exited with {process.returncode}:\n{log_path.read_text()[-5000:]}")
            try:
                if httpx.get(base_url + "/api/health", timeout=2).status_code == 200 and \
                        "Ctrl-C" in log_path.read_text(errors="replace"):  # the seed is done too
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"alrea dev not ready in {STARTUP_TIMEOUT_S}s:\n{log_path.read_text()[-5000:]}")
            time.sleep(0.2)
        password = seed.demo_password()
        banner = log_path.read_text(errors="replace")
        simulator_url = re.search(r"Evolution\s+(http://\S+)", banner)
        demo_number = re.search(r"Demo WhatsApp number[^:]*:\s*(\S+)", banner)
        yield Platform(base_url=base_url, ws_url=base_url.replace("http", "ws", 1) + "/ws",
                       admin_email=seed.ADMIN_EMAIL, manager_email=seed.MANAGER_EMAIL, agent_email=seed.AGENT_EMAIL,
                       password=password, log_path=log_path, data_dir=data_dir,
                       simulator_url=simulator_url.group(1) if simulator_url else "",
                       demo_number=demo_number.group(1) if demo_number else "")
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


# ---------------------------------------------------------------- the browser (Debian's Chromium, headless)
# Module scope, not session: Playwright's sync API keeps an event loop running on the main thread while it is
# open, and pytest-asyncio cannot run the async tests that may follow in the same process.
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from browsing import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium", pytrace=False)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page_errors() -> list[str]:
    """Uncaught exceptions thrown in the page during the test."""
    return []


@pytest.fixture
def page(browser, platform, page_errors: list[str], request):
    """A fresh context per test (no shared storage or session); its last state is kept as a screenshot."""
    from browsing import ARTIFACTS

    context = browser.new_context(base_url=platform.base_url, locale="pt-BR", accept_downloads=True,
                                  viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"), full_page=True)
    finally:
        context.close()
