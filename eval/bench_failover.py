"""kill -9 of one replica under load: no acknowledged turn lost, the other keeps answering, and
conversations begun on the killed replica continue on the survivor.

    python eval/bench_failover.py --database-url postgresql://postgres@127.0.0.1:5432/finbot_bench \
        [--clients 4] [--seconds 20] [--kill-after 6]

Starts two ``finbot serve`` replicas on one PostgreSQL database (eval/bench_chat.py's start_replica).
Each client holds one conversation and alternates its turns between the replicas (turn j of client
i on replica (i + j) mod 2). After ``--kill-after`` seconds replica A gets SIGKILL: no shutdown, no
flush, whatever it had not committed is gone. A turn that fails on it (connection refused or cut
off) is sent again to replica B, the way a client or a load balancer's retry would; a turn is
*acknowledged* when a 200 came back, and its reply's ``turn_id`` is what the service promised to keep.

At the end the database itself is read (not the API) and the script prints:

- acknowledged turns, and how many of them are missing from the ``turns`` table (must be 0);
- turns answered by the survivor after the kill (must be > 0);
- conversations begun on A that got an acknowledged turn on B after the kill, and whether B's
  reply was stored in the same session as A's turns (must be all of them);
- requests cut off by the kill, and how many customer messages are stored without an acknowledged
  reply: a turn A committed but could not answer, whose retry on B stored the message again. That is
  why nginx never retries a POST (deploy/nginx/finbot.conf): only the client knows whether to resend.

Exit status 0 when every check holds. Keep runs short: two replicas and the clients share the cores.
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_chat import MESSAGES, Replica, start_replica  # noqa: E402  (the script's own folder)


@dataclass
class Acknowledged:
    session_id: str
    turn_id: int
    replica: str  # "A" or "B": which one answered
    at: float  # seconds since the load began


@dataclass
class ClientLog:
    acknowledged: list[Acknowledged] = field(default_factory=list)
    failed_requests: int = 0  # requests that got no answer (the replica was gone) and were sent again
    lost_turns: int = 0  # turns that failed on both replicas


def drive(number: int, replicas: dict[str, Replica], started: float, stop_at: float) -> ClientLog:
    log, session, turn = ClientLog(), None, 0
    names = ("A", "B")
    connections = {name: httpx.Client(base_url=replica.url, timeout=30) for name, replica in replicas.items()}
    try:
        while time.perf_counter() < stop_at:
            first_choice = names[(number + turn) % 2]
            order = [first_choice, *[name for name in names if name != first_choice]]
            body = {"message": MESSAGES[(number + turn) % len(MESSAGES)], "session_id": session}
            for name in order:
                try:
                    response = connections[name].post("/v1/chat", json=body)
                except httpx.TransportError:  # refused, reset or cut off: the replica is gone
                    log.failed_requests += 1
                    continue
                if response.status_code != 200:
                    log.failed_requests += 1
                    continue
                reply = response.json()
                session = reply["session_id"]
                log.acknowledged.append(Acknowledged(session, reply["turn_id"], name, time.perf_counter() - started))
                break
            else:
                log.lost_turns += 1
            turn += 1
    finally:
        for connection in connections.values():
            connection.close()
    return log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="the PostgreSQL both replicas share")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20, help="length of the load (at most 60)")
    parser.add_argument("--kill-after", type=float, default=6, help="seconds into the load when replica A is killed")
    args = parser.parse_args()
    if not 0 < args.kill_after < args.seconds <= 60:
        parser.error("expected 0 < --kill-after < --seconds <= 60")

    replicas: dict[str, Replica] = {}
    try:
        for name in ("A", "B"):
            replicas[name] = start_replica(args.database_url)
        started = time.perf_counter()
        killed_at: list[float] = []

        def kill_a() -> None:
            os.kill(replicas["A"].process.pid, signal.SIGKILL)
            replicas["A"].process.wait()
            killed_at.append(time.perf_counter() - started)

        killer = threading.Timer(args.kill_after, kill_a)
        killer.start()
        with futures.ThreadPoolExecutor(args.clients) as pool:
            logs = list(pool.map(lambda n: drive(n, replicas, started, started + args.seconds),
                                 range(args.clients)))
        killer.join()
        survivor_healthy = httpx.get(f"{replicas['B'].url}/readyz", timeout=5).status_code == 200
    finally:
        for replica in replicas.values():
            replica.stop()

    kill_time = killed_at[0]
    acknowledged = [ack for log in logs for ack in log.acknowledged]
    sessions = sorted({ack.session_id for ack in acknowledged})

    engine = create_engine("postgresql+psycopg://" + args.database_url.split("://", 1)[1])
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, session_id, role FROM turns WHERE session_id = ANY(:ids)"),
                                  {"ids": sessions}).all()
    engine.dispose()
    stored = {row.id: row.session_id for row in rows}
    stored_customer_messages = sum(1 for row in rows if row.role == "customer")

    missing = [ack for ack in acknowledged if stored.get(ack.turn_id) != ack.session_id]
    after_kill_on_b = [ack for ack in acknowledged if ack.replica == "B" and ack.at > kill_time]
    begun_on_a = {}
    for ack in acknowledged:
        begun_on_a.setdefault(ack.session_id, ack.replica == "A")  # the first acknowledged turn's replica
    continued = {ack.session_id for ack in after_kill_on_b if begun_on_a.get(ack.session_id)}
    continued_stored = {sid for sid in continued
                        if any(stored.get(ack.turn_id) == sid for ack in after_kill_on_b if ack.session_id == sid)}

    counts = {
        "clients": args.clients, "seconds": args.seconds, "killed_replica_a_at_s": round(kill_time, 1),
        "acknowledged_turns": len(acknowledged),
        "acknowledged_by_a": sum(ack.replica == "A" for ack in acknowledged),
        "acknowledged_by_b": sum(ack.replica == "B" for ack in acknowledged),
        "acknowledged_missing_from_database": len(missing),
        "answered_by_b_after_kill": len(after_kill_on_b),
        "survivor_ready_at_end": survivor_healthy,
        "conversations_begun_on_a": sum(begun_on_a.values()),
        "begun_on_a_continued_on_b_after_kill": len(continued),
        "of_those_stored_in_the_same_session": len(continued_stored),
        "requests_failed_and_sent_again": sum(log.failed_requests for log in logs),
        "turns_failed_on_both": sum(log.lost_turns for log in logs),
        "customer_messages_stored_without_acknowledged_reply": stored_customer_messages - len(acknowledged),
    }
    for name, value in counts.items():
        print(f"{name:55} {value}")
    checks = {
        "no acknowledged turn lost": not missing,
        "the survivor kept answering": bool(after_kill_on_b) and survivor_healthy,
        "conversations begun on A continue on B": bool(continued) and continued_stored == continued,
        "no turn failed on both replicas": counts["turns_failed_on_both"] == 0,
    }
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    raise SystemExit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
