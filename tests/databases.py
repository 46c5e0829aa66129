"""Databases for tests: an SQLite file, and a real PostgreSQL server (store, API and replica tests).

PostgreSQL is the one at ``FINBOT_TEST_DATABASE_URL`` (CI: the server on 127.0.0.1:5432, trust auth,
database ``test``; ``.ci/run`` sets it). Each test gets a schema of its own, dropped afterwards, so
tests never see each other's rows. Where no server answers, the PostgreSQL cases skip and say why.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

import pytest

DEFAULT_TEST_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
POSTGRES_URL = os.environ.get("FINBOT_TEST_DATABASE_URL") or DEFAULT_TEST_POSTGRES


@dataclass(frozen=True)
class Backend:
    """A database URL for one test, and a way to read its tables past the store."""

    dialect: str
    url: str
    path: str | None = None  # the SQLite file
    dsn: str | None = None  # the PostgreSQL connection string, search_path on this test's schema

    def raw_rows(self, sql: str) -> list[tuple]:
        """Rows as they are stored, read with the plain driver (not through our code)."""
        if self.dialect == "sqlite":
            import sqlite3

            connection = sqlite3.connect(self.path)
            try:
                return connection.execute(sql).fetchall()
            finally:
                connection.close()
        import psycopg

        with psycopg.connect(self.dsn) as connection:
            return [tuple(row) for row in connection.execute(sql).fetchall()]


@lru_cache(maxsize=1)
def postgres_unavailable() -> str | None:
    """Why PostgreSQL tests cannot run here (None when they can); asked once per session."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return None
    except Exception as error:  # psycopg.OperationalError: no server, wrong database or user
        return f"no PostgreSQL server answers at {POSTGRES_URL} ({str(error).strip().splitlines()[0]})"


@pytest.fixture
def postgresql_backend():
    reason = postgres_unavailable()
    if reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}; set FINBOT_TEST_DATABASE_URL to run them")
    import psycopg

    schema = f"finbot_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    dsn = f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    try:
        yield Backend("postgresql", dsn, dsn=dsn)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def sqlite_backend(tmp_path):
    path = tmp_path / "data" / "finbot.sqlite3"
    return Backend("sqlite", f"sqlite:///{path}", path=str(path))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    """Each test that asks for it runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_backend")
