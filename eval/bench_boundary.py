"""How the API boundary holds up, in numbers, against a real service started for the run.

    python eval/bench_boundary.py            # all three below
    python eval/bench_boundary.py hand       # the hand list of bad inputs: status and time of each
    python eval/bench_boundary.py fraud      # /v1/fraud on 2,000 characters dense with scam terms
    python eval/bench_boundary.py fuzz -n 600   # schemathesis over /openapi.json, anonymous and as agent

Targets (issue 21): every hand-list input answered 4xx in <= 100 ms; /v1/fraud on 2,000 characters
<= 20 ms; 0 responses 5xx and 0 schema violations in >= 20,000 fuzzed requests; no request over 2 s.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import typer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.api.conftest import AGENT, start_server  # noqa: E402  (the same service the tests start)
from tests.api.test_boundary import BAD_INPUTS  # noqa: E402

app = typer.Typer(add_completion=False)
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance," \
         "response_headers_conformance"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def bench_hand(url: str) -> None:
    times, wrong = [], []
    with httpx.Client(base_url=url, timeout=30) as client:
        client.get("/healthz")
        for method, path, body, headers, status in BAD_INPUTS:
            started = time.perf_counter()
            if isinstance(body, bytes):
                response = client.post(path, content=body, headers={"content-type": "application/json", **headers})
            else:
                response = client.request(method, path, json=body, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            times.append(elapsed)
            if response.status_code != status or not 400 <= response.status_code < 500:
                wrong.append(f"{method} {path[:60]}: {response.status_code} (expected {status})")
    print(f"hand list: {len(BAD_INPUTS)} inputs, {len(BAD_INPUTS) - len(wrong)} answered as expected (all 4xx); "
          f"time p50 {statistics.median(times):.1f} ms, p95 {_percentile(times, 0.95):.1f} ms, max {max(times):.1f} ms")
    for line in wrong:
        print("  wrong:", line)


def bench_fraud(url: str, runs: int = 50) -> None:
    dense = ("公安局通知你涉嫌洗钱，把钱转到安全账户，下载屏幕共享，先交保证金解冻费，" * 60)[:2000]
    times = []
    with httpx.Client(base_url=url, timeout=30) as client:
        for _ in range(5):
            client.post("/v1/fraud", json={"text": dense})
        for _ in range(runs):
            started = time.perf_counter()
            response = client.post("/v1/fraud", json={"text": dense})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    print(f"/v1/fraud on 2,000 characters over HTTP: p50 {statistics.median(times):.1f} ms, "
          f"p99 {_percentile(times, 0.99):.1f} ms, max {max(times):.1f} ms ({runs} runs)")

    from bot.fraud.detector import FraudDetector
    from bot.settings import get_settings

    detector = FraudDetector.load(get_settings())
    for length in (500, 2000, 20000):
        text = (dense * 10)[:length]
        detector.assess(text)
        started = time.perf_counter()
        for _ in range(10):
            detector.assess(text)
        print(f"  in process, {length:>6} characters: {(time.perf_counter() - started) * 100:.1f} ms per text")


def bench_fuzz(url: str, max_examples: int, workdir: Path) -> None:
    total, server_errors, slow = 0, 0, 0
    for label, headers in (("anonymous", []), ("agent", ["-H", f"X-Agent-Key:{AGENT['X-Agent-Key']}"])):
        har = workdir / f"{label}.har"
        command = [str(Path(sys.executable).parent / "schemathesis"), "run", f"{url}/openapi.json", "-c", CHECKS,
                   "-n", str(max_examples), "--mode", "all", "--continue-on-failure", "--seed", "21",
                   "--report", "har", "--report-har-path", str(har), *headers]
        started = time.perf_counter()
        run = subprocess.run(command, capture_output=True, text=True)
        entries = json.loads(har.read_text())["log"]["entries"] if har.exists() else []
        statuses = [entry["response"]["status"] for entry in entries]
        errors = sum(1 for status in statuses if status >= 500)
        over_2s = sum(1 for entry in entries if entry.get("time", 0) > 2000)
        total, server_errors, slow = total + len(entries), server_errors + errors, slow + over_2s
        summary = [line for line in run.stdout.splitlines() if "passed" in line or "failed" in line or "error" in line.lower()]
        print(f"fuzz {label}: {len(entries)} requests in {time.perf_counter() - started:.0f} s, {errors} of them 5xx, "
              f"{over_2s} over 2 s; schemathesis exit {run.returncode}: {' | '.join(summary[-3:])}")
        if run.returncode != 0:
            print("\n".join(run.stdout.splitlines()[-60:]))
    print(f"fuzz total: {total} requests, {server_errors} responses 5xx, {slow} over 2 s")


@app.command()
def main(what: str = typer.Argument("all", help="hand, fraud, fuzz or all"),
         max_examples: int = typer.Option(600, "-n", "--max-examples", help="Fuzz examples per operation and mode.")):
    workdir = Path(tempfile.mkdtemp(prefix="bench-boundary-"))
    server = start_server(workdir, extra_env={"FINBOT_RATE_LIMIT": ""})
    try:
        if what in ("hand", "all"):
            bench_hand(server.url)
        if what in ("fraud", "all"):
            bench_fraud(server.url)
        if what in ("fuzz", "all"):
            bench_fuzz(server.url, max_examples, workdir)
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    app()
