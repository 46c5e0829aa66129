"""The database going wrong, as the service meets it: a bad FINBOT_DATABASE_URL, a server that does not
answer or a schema to upgrade stop ``finbot serve`` at start-up with what to do; a database lost while
serving answers 503 with Retry-After, rolls the request back, and the service recovers by itself.
No models are needed: the serve checks come before any artefact is loaded, and the outage test runs
the real app with its real store (the agent routes need nothing else)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from urllib.parse import urlsplit

import pytest
from alembic import command
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.api.services import Services
from bot.settings import PROJECT_ROOT, Settings
from bot.store import ConversationStore, open_database
from bot.store.schema_history import alembic_config
from tests.api.conftest import AGENT
from tests.databases import POSTGRES_URL


def serve(tmp_path, database_url):
    env = {**os.environ, "FINBOT_DATA_DIR": str(tmp_path), "FINBOT_DATABASE_URL": database_url,
           "FINBOT_DATABASE_CONNECT_TIMEOUT_SECONDS": "2"}
    return subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--no-build", "--port", "1"],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://bot@db/finbot", "unsupported database URL in FINBOT_DATABASE_URL"),
    ("postgresql://bot@db.internal:port/finbot", "bad PostgreSQL URL in FINBOT_DATABASE_URL"),
    ("postgresql://bot@127.0.0.1:1/finbot", "cannot connect to PostgreSQL at postgresql://bot@127.0.0.1:1/finbot "
                                            "(FINBOT_DATABASE_URL)"),
])
def test_serve_refuses_a_database_it_cannot_use_at_start_up(tmp_path, url, message):
    result = serve(tmp_path, url)
    assert result.returncode == 2 and message in result.stderr, result.stderr


def test_serve_refuses_an_older_schema_and_names_the_command(tmp_path):
    url = f"sqlite:///{tmp_path}/finbot.sqlite3"
    with open_database(url) as db, db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
    result = serve(tmp_path, url)
    assert result.returncode == 2 and "older than this finbot's" in result.stderr, result.stderr
    assert "run `finbot db upgrade`" in result.stderr


@pytest.fixture
def own_postgres_database(postgresql_backend):
    """A PostgreSQL database of this test's own, which it can close to connections (an outage)."""
    import psycopg

    name = f"finbot_outage_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, urlsplit(POSTGRES_URL)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def set_outage(name: str, down: bool) -> None:
    """Down: no new connections to the database, and the server drops every one it has."""
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"false" if down else "true"}')
        if down:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))


def test_a_database_lost_while_serving_answers_503_with_retry_after_and_recovers(own_postgres_database, tmp_path):
    name, url = own_postgres_database
    settings = Settings(data_dir=tmp_path, database_url=url)
    store = ConversationStore.open(url, settings=settings)
    try:
        session_id = store.create_session("C40001", "app")["id"]
        with TestClient(create_app(settings, Services(settings, ready=True, store=store))) as client:
            assert client.get("/v1/agent/sessions", headers=AGENT).status_code == 200

            set_outage(name, down=True)
            try:
                reply = client.post(f"/v1/agent/sessions/{session_id}/reply", json={"text": "您好，我来帮您。"},
                                    headers=AGENT)
                assert reply.status_code == 503, reply.text
                assert reply.headers["Retry-After"] == "5"
                body = reply.json()
                assert body["code"] == "database_unavailable" and body["message_zh"] == "系统繁忙，您的消息暂未保存，请稍后重试。"
                assert "您好" not in reply.text and "Traceback" not in reply.text
            finally:
                set_outage(name, down=False)

            # Back: the pool replaces its dead connections by itself, and the failed reply left nothing.
            detail = client.get(f"/v1/agent/sessions/{session_id}", headers=AGENT)
            assert detail.status_code == 200 and detail.json()["turns"] == []
            again = client.post(f"/v1/agent/sessions/{session_id}/reply", json={"text": "您好，我来帮您。"}, headers=AGENT)
            assert again.status_code == 200, again.text
    finally:
        store.close()
