"""Load benchmark of the chat service on loopback: latency, throughput, readiness time, memory.

    python eval/bench_chat.py [--clients 20] [--turns 400] [--max-seconds 120] [--rate 50]
    python eval/bench_chat.py --database-url postgresql://postgres@127.0.0.1:5432/finbot_bench
    python eval/bench_chat.py --database-url postgresql://… --replicas 2

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

Databases and replicas (issue 19's targets), each a comparison within one run, on the same load:

* ``--database-url URL`` (PostgreSQL): the load once on the embedded SQLite, then once on URL, and
  their median and p99 side by side with the ratio (the target: PostgreSQL within 20 % at 20 clients).
* ``--database-url URL --replicas 2``: the load on one ``finbot serve`` on URL, then on two on the
  same database, the clients spread across them (client i on replica i mod 2): turns/s and p99 side
  by side. On a 2-core machine the replicas and the clients share the cores, so the ratio measures
  the overhead of a second process, not how a second machine would scale.

The servers are started as ``finbot serve --no-build`` would be (``python -m bot.cli serve``), each
with a data folder of its own. ``eval/bench_failover.py`` kills one of two replicas under load.
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
from dataclasses import dataclass
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Replica:
    url: str
    process: subprocess.Popen
    ready_s: float

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_replica(database_url: str = "", extra_env: dict[str, str] | None = None) -> Replica:
    """``finbot serve --no-build`` on a free loopback port with a data folder of its own; returns once
    /readyz answers 200. ``database_url`` empty: the SQLite file in that folder."""
    port, data_dir = free_port(), Path(tempfile.mkdtemp(prefix="finbot-bench-"))
    env = {**os.environ, "FINBOT_DATA_DIR": str(data_dir), "FINBOT_DATABASE_URL": database_url,
           # every simulated customer comes from 127.0.0.1: one client to the per-client rate
           # limit (bot/api/guards.py), which would answer 429
           "FINBOT_RATE_LIMIT": "1000000/minute", "FINBOT_LOG_LEVEL": "WARNING", **(extra_env or {})}
    started = time.perf_counter()
    log = open(data_dir / "server.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve", "--no-build", "--host", "127.0.0.1",
                                "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return Replica(url, process, time.perf_counter() - started)
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.perf_counter() - started > 180:
            process.kill()
            raise SystemExit(f"the service did not become ready:\n{(data_dir / 'server.log').read_text()[-2000:]}")
        time.sleep(0.2)


def run_load(replicas: list[Replica], args: argparse.Namespace) -> dict:
    """The load of the module docstring on these replicas (client i on replica i mod len), and its numbers."""
    deadline = time.perf_counter() + args.max_seconds
    per_client = max(1, args.turns // args.clients)
    interval = args.clients / args.rate if args.rate else 0.0  # open loop: seconds between a client's turns

    # One connection per client, opened before the clock starts (making an httpx.Client loads CA
    # certificates: a burst of CPU that would land on the service's first measured turns).
    connections = [httpx.Client(base_url=replicas[number % len(replicas)].url, timeout=30)
                   for number in range(args.clients)]
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

    pids = [replica.process.pid for replica in replicas]
    with futures.ThreadPoolExecutor(args.clients) as pool:  # warm-up, not measured: threads, connections, first batches
        list(pool.map(lambda number: client(number, WARMUP_TURNS, paced=False), range(args.clients)))
    t0, server_cpu, bench_cpu = time.perf_counter(), sum(map(cpu_seconds, pids)), time.process_time()
    schedule_start = t0 + 0.05
    with futures.ThreadPoolExecutor(args.clients) as pool:
        latencies = [x for result in pool.map(client, range(args.clients)) for x in result]
    for connection in connections:
        connection.close()
    elapsed = time.perf_counter() - t0
    server_cpu, bench_cpu = sum(map(cpu_seconds, pids)) - server_cpu, time.process_time() - bench_cpu
    return {
        "replicas": len(replicas), "clients": args.clients,
        "mode": f"open loop at {args.rate:g} turns/s" if args.rate else "closed loop",
        "turns": len(latencies), "seconds": round(elapsed, 2),
        "turns_per_s": round(len(latencies) / elapsed, 1),
        "median_ms": round(float(np.median(latencies)) * 1000, 1),
        "p99_ms": round(float(np.percentile(latencies, 99)) * 1000, 1),
        "ready_s": round(max(replica.ready_s for replica in replicas), 1),
        "rss_mb": round(sum(resident_mb(pid) for pid in pids), 0),
        # CPU per turn: the service's (all replicas), and this script's own clients' (they share the cores).
        "server_cpu_ms_per_turn": round(server_cpu / len(latencies) * 1000, 1),
        "client_cpu_ms_per_turn": round(bench_cpu / len(latencies) * 1000, 1),
    }


def measure(database_url: str, replica_count: int, args: argparse.Namespace) -> dict:
    """Start the replicas, run the load, stop them."""
    replicas: list[Replica] = []
    try:
        for _ in range(replica_count):
            replicas.append(start_replica(database_url))
        return run_load(replicas, args)
    finally:
        for replica in replicas:
            replica.stop()


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--turns", type=int, default=400, help="total turns (bounded)")
    parser.add_argument("--max-seconds", type=float, default=120, help="stop sending after this long")
    parser.add_argument("--rate", type=float, default=0, help="open loop: turns per second from all clients together")
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL URL: compare it with SQLite on the same load (or, with --replicas, "
                             "one replica with several on it)")
    parser.add_argument("--replicas", type=int, default=1, help="with --database-url: this many replicas against one")
    args = parser.parse_args()

    if args.replicas > 1:
        if not args.database_url:
            parser.error("--replicas needs --database-url: the replicas share one PostgreSQL database")
        one = measure(args.database_url, 1, args)
        several = measure(args.database_url, args.replicas, args)
        print(json.dumps({"one_replica": one, f"{args.replicas}_replicas": several}))
        print(f"{'':14}{'turns/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
        for name, result in (("1 replica", one), (f"{args.replicas} replicas", several)):
            print(f"{name:14}{result['turns_per_s']:>10}{result['median_ms']:>10}{result['p99_ms']:>10}")
        print(f"{'ratio':14}{ratio(several['turns_per_s'], one['turns_per_s']):>10}"
              f"{ratio(several['median_ms'], one['median_ms']):>10}{ratio(several['p99_ms'], one['p99_ms']):>10}")
        print(f"note: on {os.cpu_count()} cores the replicas and the clients share the same CPUs, so this ratio "
              "shows the overhead of running more processes, not how replicas on separate machines scale.")
    elif args.database_url:
        sqlite = measure("", 1, args)
        postgresql = measure(args.database_url, 1, args)
        print(json.dumps({"sqlite": sqlite, "postgresql": postgresql}))
        print(f"{'':12}{'turns/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
        for name, result in (("SQLite", sqlite), ("PostgreSQL", postgresql)):
            print(f"{name:12}{result['turns_per_s']:>10}{result['median_ms']:>10}{result['p99_ms']:>10}")
        p50, p99 = ratio(postgresql["median_ms"], sqlite["median_ms"]), ratio(postgresql["p99_ms"], sqlite["p99_ms"])
        print(f"{'PG / SQLite':12}{ratio(postgresql['turns_per_s'], sqlite['turns_per_s']):>10}{p50:>10}{p99:>10}")
        verdict = "within" if max(p50, p99) <= 1.2 else "NOT within"
        print(f"PostgreSQL p50 and p99 {verdict} 20 % of SQLite's at {args.clients} clients")
    else:
        print(json.dumps(measure("", 1, args)))


if __name__ == "__main__":
    main()
