"""Load benchmark of the chat service on loopback: latency, throughput, readiness time, memory.

    python eval/bench_chat.py [--clients 20] [--turns 400] [--max-seconds 120] [--rate 50]

Starts the real service (built artefacts required: `finbot build`) with a temporary data folder,
measures the time until /readyz answers 200, then sends chat turns from N concurrent clients — a
bounded number of requests within a bounded time, to 127.0.0.1 only — and prints the numbers
the targets are judged on (median and p99 turn latency, sustained turns/s, resident memory).

Two ways to load it:

* closed loop (default): every client sends its next turn as soon as the last is answered. This
  measures the most turns/s the service sustains; latency is then mostly queueing (Little's law:
  20 clients at 70 turns/s wait about 20/70 s per turn).
* ``--rate R``: open loop, the way customers chat. The clients together send R turns per second
  on a fixed schedule (each client every N/R seconds, staggered), whether or not earlier turns
  were answered; latency is measured from the scheduled send time, so a service that falls
  behind shows it.

Each client first sends a few unmeasured turns (connections, worker threads, first batches).
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import json
import os
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


WARMUP_TURNS = 3  # per client, before the measured turns


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--turns", type=int, default=400, help="total turns (bounded)")
    parser.add_argument("--max-seconds", type=float, default=120, help="stop sending after this long")
    parser.add_argument("--rate", type=float, default=0, help="open loop: turns per second from all clients together")
    args = parser.parse_args()

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data_dir = Path(tempfile.mkdtemp(prefix="finbot-bench-"))
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "bot.api.app:create_app", "--factory", "--host",
                               "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                              # every simulated customer comes from 127.0.0.1: one client to the
                              # per-client rate limit (bot/api/guards.py), which would answer 429
                              env={**os.environ, "FINBOT_DATA_DIR": str(data_dir),
                                   "FINBOT_RATE_LIMIT": "1000000/minute"})
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

        interval = args.clients / args.rate if args.rate else 0.0  # open loop: seconds between a client's turns

        # One connection per client, opened before the clock starts (making an httpx.Client loads CA
        # certificates: a burst of CPU that would land on the service's first measured turns).
        connections = [httpx.Client(base_url=url, timeout=30) for _ in range(args.clients)]
        schedule_start = 0.0

        def client(number: int, turns: int = per_client, paced: bool = True) -> list[float]:
            latencies, session, http = [], None, connections[number]
            first = schedule_start + number * interval / args.clients
            for i in range(turns):
                if time.perf_counter() > deadline:
                    break
                body = {"message": MESSAGES[(number + i) % len(MESSAGES)], "session_id": session}
                t0 = time.perf_counter()
                if interval and paced:
                    t0 = first + i * interval  # the scheduled time: lateness counts as latency
                    time.sleep(max(0.0, t0 - time.perf_counter()))
                response = http.post("/v1/chat", json=body)
                latencies.append(time.perf_counter() - t0)
                response.raise_for_status()
                session = response.json()["session_id"]
            return latencies

        with futures.ThreadPoolExecutor(args.clients) as pool:  # warm-up, not measured: threads, connections, first batches
            list(pool.map(lambda number: client(number, WARMUP_TURNS, paced=False), range(args.clients)))
        t0, server_cpu, bench_cpu = time.perf_counter(), cpu_seconds(server.pid), time.process_time()
        schedule_start = t0 + 0.05
        with futures.ThreadPoolExecutor(args.clients) as pool:
            latencies = [x for result in pool.map(client, range(args.clients)) for x in result]
        for connection in connections:
            connection.close()
        elapsed = time.perf_counter() - t0
        server_cpu, bench_cpu = cpu_seconds(server.pid) - server_cpu, time.process_time() - bench_cpu
        result = {
            "clients": args.clients, "mode": f"open loop at {args.rate:g} turns/s" if args.rate else "closed loop",
            "turns": len(latencies), "seconds": round(elapsed, 2),
            "turns_per_s": round(len(latencies) / elapsed, 1),
            "median_ms": round(float(np.median(latencies)) * 1000, 1),
            "p99_ms": round(float(np.percentile(latencies, 99)) * 1000, 1),
            "ready_s": round(ready_s, 1), "rss_mb": round(resident_mb(server.pid), 0),
            # CPU per turn: the service's, and this script's own clients' (they share the 2 cores).
            "server_cpu_ms_per_turn": round(server_cpu / len(latencies) * 1000, 1),
            "client_cpu_ms_per_turn": round(bench_cpu / len(latencies) * 1000, 1),
        }
        print(json.dumps(result))
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
