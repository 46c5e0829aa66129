"""Opening the database: URLs, bad settings, durability settings, the pool, transactions.
(The schema's revisions and upgrades: test_store_migrations.py.)"""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from bot.settings import Settings
from bot.store import ConversationStore, DatabaseError, open_database, resolve_url
from bot.store.schema_history import head


def test_urls_resolve_to_sqlite_files_under_the_data_dir(tmp_path):
    assert resolve_url("", tmp_path).path == tmp_path / "finbot.sqlite3"
    assert resolve_url(None, tmp_path).path == tmp_path / "finbot.sqlite3"
    assert resolve_url("sqlite:///sub/chat.db", tmp_path).path == tmp_path / "sub" / "chat.db"
    assert resolve_url(f"sqlite:///{tmp_path}/abs.db", Path("/elsewhere")).path == tmp_path / "abs.db"
    assert resolve_url("sqlite://", tmp_path).path == ":memory:"
    assert resolve_url("sqlite:///:memory:", tmp_path).path == ":memory:"


def test_postgres_urls_are_recognised():
    for url in ("postgresql://bot:pw@db.internal:5432/finbot", "postgres://bot@db/finbot",
                "postgresql+psycopg://bot@db/finbot"):
        target = resolve_url(url)
        assert target.dialect == "postgresql"
        assert target.dsn.startswith("postgresql://") and target.dsn.endswith("/finbot")


def test_postgres_without_the_driver_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as on an install without the postgres extra
    with pytest.raises(DatabaseError, match=r"FINBOT_DATABASE_URL.*pip install 'psycopg\[binary\]'"):
        open_database("postgresql://bot:pw@localhost/finbot")


def test_an_unreachable_postgres_is_a_clear_error_at_open():
    with pytest.raises(DatabaseError, match=r"cannot connect to PostgreSQL .*\(FINBOT_DATABASE_URL\)") as caught:
        open_database("postgresql://bot:secret-pw@127.0.0.1:1/finbot")
    assert "secret-pw" not in str(caught.value)  # the password is not repeated in the message


def test_a_server_that_does_not_answer_is_given_up_after_the_connect_timeout():
    # 10.255.255.1 is not routed: a connection attempt hangs (or fails at once where there is no route).
    settings = Settings(database_connect_timeout_seconds=1)
    started = time.monotonic()
    with pytest.raises(DatabaseError, match="cannot connect to PostgreSQL"):
        open_database("postgresql://bot@10.255.255.1:5432/finbot", settings=settings)
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("url", ["mysql://x@y/z", "sqlite:relative.db", "postgresql://",
                                 "postgresql://bot@db.internal:port/finbot"])
def test_bad_urls_are_rejected_with_a_message_naming_the_setting(url, tmp_path):
    with pytest.raises(DatabaseError, match="URL in FINBOT_DATABASE_URL"):
        resolve_url(url, tmp_path)


def test_the_pool_is_sized_by_the_settings(tmp_path):
    settings = Settings(database_pool_size=3, database_max_overflow=4)
    with open_database(f"sqlite:///{tmp_path}/s.db", settings=settings) as db:
        assert (db.engine.pool.size(), db.engine.pool._max_overflow) == (3, 4)
    with pytest.raises(ValidationError, match="database_pool_size"):
        Settings(database_pool_size=0)


def test_sqlite_is_opened_durable(tmp_path):
    db_path = tmp_path / "nested" / "folder" / "finbot.sqlite3"
    with open_database(f"sqlite:///{db_path}") as db:
        assert db_path.parent.is_dir()  # folders created
        assert db.pragma("journal_mode") == "wal"
        assert db.pragma("synchronous") == 2  # FULL
        assert db.pragma("foreign_keys") == 1
        assert db.pragma("busy_timeout") >= 1000
    # WAL is a property of the file: a plain sqlite3 connection sees it too.
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()


def test_the_schema_is_created_once_and_versioned(backend):
    url = backend.url
    with ConversationStore.open(url) as store:
        assert store.schema_version == head()
        session = store.create_session("C1001", "app")
    with ConversationStore.open(url) as store:  # reopening migrates nothing and loses nothing
        assert store.schema_version == head()
        assert store.get_session(session["id"])["customer_id"] == "C1001"
        assert store.db.query("SELECT version_num FROM alembic_version") == [{"version_num": head()}]
        if backend.dialect == "sqlite":
            tables = {row["name"] for row in store.db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
        else:
            tables = {row["table_name"] for row in store.db.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
        assert {"sessions", "turns", "suggestions", "feedback", "alerts", "access_log", "alembic_version"} <= tables


def test_a_failed_transaction_leaves_nothing_behind(backend):
    with ConversationStore.open(backend.url) as store:
        session = store.create_session(None, "app")
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.add_turn(session["id"], "customer", "第一句")
                store.add_turn(session["id"], "bot", "第二句")
                raise RuntimeError("crash in the middle of a turn")
        assert store.list_turns(session["id"]) == []
        assert store.get_session(session["id"])["turn_count"] == 0
        with store.transaction():  # and the connection is usable afterwards
            store.add_turn(session["id"], "customer", "第三句")
        assert [t["text"] for t in store.list_turns(session["id"])] == ["第三句"]


def test_foreign_keys_are_enforced(tmp_path):
    with open_database(f"sqlite:///{tmp_path}/s.db") as db:
        ConversationStore(db)
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            db.execute("INSERT INTO turns (session_id, role, text, created_at) VALUES ('nope', 'bot', 'x', 'now')")


def test_a_closed_database_says_so(tmp_path):
    db = open_database(f"sqlite:///{tmp_path}/s.db")
    db.close()
    with pytest.raises(DatabaseError, match="closed"):
        db.query("SELECT 1")


def test_in_memory_databases_work_for_demos():
    with ConversationStore.open("sqlite://") as store:
        session = store.create_session(None, "cli")
        store.add_turn(session["id"], "customer", "你好")
        assert len(store.list_turns(session["id"])) == 1


def test_a_sqlite_folder_that_cannot_be_made_is_a_clear_error(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(DatabaseError, match="cannot create the folder of the SQLite file"):
        open_database(f"sqlite:///{tmp_path}/a-file/finbot.sqlite3")
