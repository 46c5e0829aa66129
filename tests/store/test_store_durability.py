"""An acknowledged turn survives the death of the process, and writes from many threads (and
several connections) all land — on SQLite and on PostgreSQL (tests/databases.py).

A SIGKILL loses whatever the process had not yet handed to the operating system; what this shows
is that add_turn hands the committed turn over before it returns. synchronous=FULL (checked in
test_store_database) additionally fsyncs the WAL at each commit, for power loss, which a test on
a running machine cannot reproduce.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from bot.store import ConversationStore

# The child opens the store, adds turns, prints each id only after add_turn returned, and then
# either kills itself at once or keeps going until the parent kills it.
CHILD = r"""
import os, signal, sys
from bot.store import ConversationStore

url, session_id, mode = sys.argv[1], sys.argv[2], sys.argv[3]
store = ConversationStore.open(url)
n = 0
while True:
    n += 1
    turn_id = store.add_turn(session_id, "customer", f"第{n}次确认还款，手机13812345678",
                             intent="repayment.confirm", confidence=0.9)
    print(turn_id, flush=True)
    if mode == "self":
        os.kill(os.getpid(), signal.SIGKILL)
"""


def run_child(url, session_id, mode):
    return subprocess.Popen([sys.executable, "-c", CHILD, url, session_id, mode],
                            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def new_session(url):
    with ConversationStore.open(url) as store:
        return store.create_session("C20240001", "app")["id"]


def test_a_turn_survives_sigkill_right_after_add_turn_returns(backend):
    session_id = new_session(backend.url)
    child = run_child(backend.url, session_id, "self")
    out, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, err
    [turn_id] = [int(line) for line in out.split()]
    if backend.dialect == "sqlite":
        # The turn was never checkpointed into the main file: reopening must recover it from the WAL.
        wal = Path(backend.path + "-wal")
        assert wal.exists() and wal.stat().st_size > 0

    with ConversationStore.open(backend.url) as store:
        turn = store.get_turn(turn_id)
        assert turn["session_id"] == session_id
        assert turn["text"] == "第1次确认还款，手机138****5678"
        assert store.get_session(session_id)["turn_count"] == 1


def test_every_acknowledged_turn_survives_a_kill_in_the_middle_of_writing(backend):
    session_id = new_session(backend.url)
    child = run_child(backend.url, session_id, "loop")
    acknowledged = []
    for line in child.stdout:  # let it write for a while, then kill it mid-stream
        acknowledged.append(int(line))
        if len(acknowledged) == 25:
            child.send_signal(signal.SIGKILL)
            break
    rest, _ = child.communicate(timeout=60)
    acknowledged += [int(line) for line in rest.split()]
    assert child.returncode == -signal.SIGKILL

    with ConversationStore.open(backend.url) as store:
        stored = [turn["id"] for turn in store.list_turns(session_id)]
    assert set(acknowledged) <= set(stored)
    assert len(stored) - len(acknowledged) <= 1  # at most the one being written when killed


def test_concurrent_writes_from_threads_sharing_one_store(backend):
    with ConversationStore.open(backend.url) as store:
        sessions = [store.create_session(f"C{i:05d}", "app")["id"] for i in range(4)]
        threads, per_thread = 8, 30

        def work(worker):
            ids = []
            for n in range(per_thread):
                session_id = sessions[(worker + n) % len(sessions)]
                turn_id = store.add_turn(session_id, "customer", f"线程{worker}第{n}句", intent="fees.inquiry",
                                         confidence=0.8)
                [suggestion] = store.add_suggestions(turn_id, [{"text": "建议回复"}])
                store.add_feedback(suggestion, "used" if n % 2 else "rejected")
                ids.append(turn_id)
            return ids

        with ThreadPoolExecutor(threads) as pool:
            all_ids = [turn_id for ids in pool.map(work, range(threads)) for turn_id in ids]

        assert len(all_ids) == len(set(all_ids)) == threads * per_thread
        stored = [turn for session_id in sessions for turn in store.list_turns(session_id)]
        assert sorted(turn["id"] for turn in stored) == sorted(all_ids)
        for session_id in sessions:
            assert store.get_session(session_id)["turn_count"] == len(store.list_turns(session_id))
        overall = store.feedback_report()["overall"]
        assert overall["shown"] == overall["with_feedback"] == threads * per_thread
        assert overall["used"] == overall["rejected"] == threads * per_thread // 2


def test_concurrent_writes_through_two_connections_to_one_database(backend):
    url = backend.url
    with ConversationStore.open(url) as first, ConversationStore.open(url) as second:
        session_id = first.create_session("C00001", "app")["id"]
        start = threading.Barrier(6)

        def work(args):
            store, worker = args
            start.wait()
            return [store.add_turn(session_id, "bot", f"{worker}-{n}") for n in range(25)]

        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(work, [(first if w % 2 else second, w) for w in range(6)]))

        written = sorted(turn_id for ids in results for turn_id in ids)
        assert len(set(written)) == 150
        assert [turn["id"] for turn in second.list_turns(session_id)] == written
        assert first.get_session(session_id)["turn_count"] == 150


def test_a_connection_lost_in_the_middle_of_a_turn_leaves_nothing_half_written(postgresql_backend):
    import psycopg
    from sqlalchemy.exc import OperationalError

    with ConversationStore.open(postgresql_backend.url) as store:
        session_id = store.create_session("C20240001", "app")["id"]
        with pytest.raises(OperationalError):
            with store.transaction():  # one turn: the customer's message, then the reply
                store.add_turn(session_id, "customer", "我想提前还款")
                backend_pid = store.db.query_value("SELECT pg_backend_pid()")
                with psycopg.connect(postgresql_backend.dsn, autocommit=True) as admin:  # the server drops it
                    admin.execute("SELECT pg_terminate_backend(%s)", (backend_pid,))
                store.add_turn(session_id, "bot", "好的，请确认金额。")
        assert store.list_turns(session_id) == []  # the customer's message went with the transaction
        assert store.get_session(session_id)["turn_count"] == 0
        # The pool has replaced the dead connection: the retried turn goes through.
        store.add_turn(session_id, "customer", "我想提前还款")
        assert [turn["text"] for turn in store.list_turns(session_id)] == ["我想提前还款"]
