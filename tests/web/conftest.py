"""Browser tests: the real service in a subprocess, driven through Debian's headless Chromium.

The service is started once per test session with uvicorn (the app factory), on a free loopback
port, with its data (SQLite store, demo ledger) in a temporary folder; the tests wait for
/readyz. Chromium is Debian's /usr/bin/chromium driven by Playwright (no browser download).
Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.settings import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
READY_TIMEOUT_S = 120
TOKEN_SECRET = "browser-tests-token-secret-0123456789abcdef"  # signs the customer tokens the tests issue
AGENT_KEY = "agent-dev-key"  # the development default, set explicitly so that a local .env cannot change it

PHONE = {"width": 390, "height": 844}  # the chat window's default viewport: a common phone


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium); it is missing")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, chromium_path) -> Iterator[str]:
    """Base URL of the real app, started with uvicorn in a subprocess and stopped at the end."""
    data_dir = tmp_path_factory.mktemp("finbot-data")
    log_path = data_dir / "server.log"
    # The demo customers (c-1001 … c-1005) in this run's own ledger, for the signed-in tests.
    from bot.ledger.seed import seed_demo_ledger
    from bot.settings import Settings

    seed_demo_ledger(Settings(data_dir=data_dir).ledger_path)
    port = _free_port()
    env = {**os.environ, "FINBOT_DATA_DIR": str(data_dir), "FINBOT_LOG_LEVEL": "WARNING",
           "FINBOT_AGENT_API_KEY": AGENT_KEY, "FINBOT_TOKEN_SECRET": TOKEN_SECRET,
           "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "bot.cli", "serve", "--no-build", "--host", "127.0.0.1", "--port", str(port)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"the service exited with code {process.returncode} before it was ready:\n{_tail(log_path)}")
            try:
                response = httpx.get(f"{base_url}/readyz", timeout=2)
            except httpx.HTTPError:
                response = None
            if response is not None and response.status_code == 200:
                break
            if response is not None and response.status_code == 503:
                # Loaded but not ready: an artefact is missing or corrupt. Waiting will not help.
                pytest.fail(f"the service is up but not ready: {response.json().get('problem')}\n"
                            "build the artefacts first (finbot doctor lists what is missing)")
            if time.monotonic() > deadline:
                pytest.fail(f"the service was not ready within {READY_TIMEOUT_S} s:\n{_tail(log_path)}")
            time.sleep(0.5)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _page_errors_guard(page):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def new_page(browser, live_server):
    """new_page(viewport=PHONE, path="/") → a page in a fresh context (its own sessionStorage);
    each page's uncaught JavaScript errors fail the test."""
    contexts = []
    pages = []

    def open_page(viewport=None, path="/"):
        context = browser.new_context(viewport=viewport or PHONE, locale="zh-CN", base_url=live_server,
                                      device_scale_factor=1)
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.js_errors = _page_errors_guard(page)
        pages.append(page)
        page.goto(path)
        return page

    yield open_page
    errors = [error for page in pages for error in page.js_errors]
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="session")
def agent_key() -> str:
    return AGENT_KEY


@pytest.fixture(scope="session")
def customer_token():
    """customer_token("cust-1") → a token the service accepts, naming that customer, as the app would pass it."""
    from bot.auth import issue_token

    return lambda customer_id, ttl=600: issue_token(customer_id, ttl, secret=TOKEN_SECRET)


@pytest.fixture
def agent_api(live_server):
    """The agent API over HTTP, to check what the pages stored."""
    with httpx.Client(base_url=live_server, headers={"X-Agent-Key": AGENT_KEY}, timeout=30) as client:
        yield client
