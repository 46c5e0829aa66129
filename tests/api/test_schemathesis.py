"""Schemathesis over the real service's own OpenAPI schema: no 5xx, and every answer (status, content
type, body, headers) as the schema says, with and without the agent key.

Run as schemathesis's own command line against the session's service (its pytest plugin does not
load under this pytest). Bounded for CI: a few examples per operation and mode, a fixed seed;
``python eval/bench_boundary.py fuzz`` runs the long version (20,000+ requests) and prints the counts.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.conftest import AGENT

pytestmark = pytest.mark.slow

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
          "response_headers_conformance")
EXAMPLES = 12


def run_schemathesis(url: str, *extra: str) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "schemathesis"), "run", f"{url}/openapi.json", "-c", CHECKS,
               "-n", str(EXAMPLES), "--mode", "all", "--seed", "21", "--continue-on-failure", *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def test_anonymous_caller_gets_only_schema_answers(server):
    run = run_schemathesis(server.url)
    assert run.returncode == 0, run.stdout[-6000:]


def test_agent_gets_only_schema_answers(server):
    run = run_schemathesis(server.url, "-H", f"X-Agent-Key:{AGENT['X-Agent-Key']}")
    assert run.returncode == 0, run.stdout[-6000:]
