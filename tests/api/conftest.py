"""A real service process on loopback, with its own data folder, for API tests over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.ledger.ledger_oracles import ANCHOR as BUSINESS_DATE


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    data_dir: Path
    process: subprocess.Popen

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kwargs)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(data_dir: Path, ready_timeout: float = 180, extra_env: dict[str, str] | None = None,
                 ready_status: int = 200) -> Server:
    port = free_port()
    # A fixed business date: the demo ledger is seeded for it and every account figure is exact.
    env = {**os.environ, "FINBOT_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1",
           "FINBOT_BUSINESS_DATE": BUSINESS_DATE.isoformat(), "FINBOT_LOG_LEVEL": "INFO",
           # The tests send hundreds of requests from one address: the limit is on but far away
           # (tests/api/test_boundary.py checks a tight one on a server of its own).
           "FINBOT_RATE_LIMIT": "100000/minute", **(extra_env or {})}
    log = open(data_dir / "server.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--no-build", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {(data_dir / 'server.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == ready_status:
                return Server(url, data_dir, process)
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"server not ready in {ready_timeout} s: {(data_dir / 'server.log').read_text()[-2000:]}")


@pytest.fixture(scope="session")
def server(intent_classifier, retriever, fraud_detector, tmp_path_factory):
    """Artefacts are built (by the fixtures above) before the server starts."""
    data_dir = tmp_path_factory.mktemp("server-data")
    srv = start_server(data_dir)
    yield srv
    srv.stop()


@pytest.fixture()
def client(server):
    with server.client() as c:
        yield c


AGENT = {"X-Agent-Key": "agent-dev-key"}
