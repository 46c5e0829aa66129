"""Load benchmark of the chat service on loopback: latency, throughput, readiness time, memory.

    python eval/bench_chat.py [--clients 20] [--turns 400] [--max-seconds 120]

Starts the real service (built artefacts required: `finbot build`) with a temporary data folder,
measures the time until /readyz answers 200, then sends chat turns from N concurrent clients — a
bounded number of requests within a bounded time, to 127.0.0.1 only — and prints the numbers
the targets are judged on (median and p99 turn latency, sustained turns/s, resident memory).
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

MESSAGES = ["提前还款要手续费吗", "怎么换绑银行卡", "逾期一天会上征信吗", "借2万分12期每月还多少", "年化7.2%",
            "你好", "额度怎么提升", "还款日是几号", "有人打电话说我校园贷没注销", "转人工", "征信有误怎么申诉",
            "怎么注销账户", "我的借款什么时候到账", "谢谢", "今天天气怎么样"]


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--turns", type=int, default=400, help="total turns (bounded)")
    parser.add_argument("--max-seconds", type=float, default=120, help="stop sending after this long")
    args = parser.parse_args()

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data_dir = Path(tempfile.mkdtemp(prefix="finbot-bench-"))
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "bot.api.app:create_app", "--factory", "--host",
                               "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                              env={**__import__("os").environ, "FINBOT_DATA_DIR": str(data_dir)})
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.perf_counter() - started > 180:
                raise SystemExit("the service did not become ready")
            time.sleep(0.1)
        ready_s = time.perf_counter() - started
        deadline = time.perf_counter() + args.max_seconds
        per_client = max(1, args.turns // args.clients)

        def client(number: int) -> list[float]:
            latencies, session = [], None
            with httpx.Client(base_url=url, timeout=30) as http:
                for i in range(per_client):
                    if time.perf_counter() > deadline:
                        break
                    body = {"message": MESSAGES[(number + i) % len(MESSAGES)], "session_id": session}
                    t0 = time.perf_counter()
                    response = http.post("/v1/chat", json=body)
                    latencies.append(time.perf_counter() - t0)
                    response.raise_for_status()
                    session = response.json()["session_id"]
            return latencies

        with httpx.Client(base_url=url) as warm:
            warm.post("/v1/chat", json={"message": "你好"})
        t0 = time.perf_counter()
        with futures.ThreadPoolExecutor(args.clients) as pool:
            latencies = [x for result in pool.map(client, range(args.clients)) for x in result]
        elapsed = time.perf_counter() - t0
        result = {
            "clients": args.clients, "turns": len(latencies), "seconds": round(elapsed, 2),
            "turns_per_s": round(len(latencies) / elapsed, 1),
            "median_ms": round(float(np.median(latencies)) * 1000, 1),
            "p99_ms": round(float(np.percentile(latencies, 99)) * 1000, 1),
            "ready_s": round(ready_s, 1), "rss_mb": round(resident_mb(server.pid), 0),
        }
        print(json.dumps(result))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
