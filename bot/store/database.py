"""The database connection: opened by URL, configured for durability, schema kept current.

URLs:

- ``""`` (the default setting) → the SQLite file ``settings.sqlite_path`` (under ``data_dir``);
- ``sqlite:///name.sqlite3`` → a file relative to ``data_dir``; ``sqlite:////abs/path.sqlite3``
  → an absolute path (four slashes, as in SQLAlchemy); ``sqlite://`` or ``sqlite:///:memory:`` →
  an in-memory database (tests and demos; gone when closed);
- ``postgresql://user:pass@host/db`` (also ``postgres://``, ``postgresql+psycopg://``) →
  PostgreSQL through the optional ``psycopg`` driver, imported only then.

SQLite is opened with ``journal_mode=WAL`` (readers do not block the writer), ``synchronous=FULL``
(the WAL is fsynced at every commit, so an acknowledged turn survives a kill and a power cut),
``foreign_keys=ON`` and a busy timeout (other processes writing the same file wait, not fail).

Threads: one connection per :class:`Database`, guarded by a re-entrant lock. SQLite serialises
writers anyway and our statements take well under a millisecond, so the lock costs little, and a
single connection avoids per-thread connections that outlive their threads and compete for the
write lock. FastAPI's worker threads can share one :class:`Database` (and one store). Several
processes on one file are safe too (each has its own connection; the busy timeout arbitrates).

The SQL is written once, in the common subset of SQLite and PostgreSQL: ``?`` placeholders
(rewritten to ``%s`` for psycopg), ``INSERT … RETURNING id``, TEXT timestamps in ISO-8601 UTC,
INTEGER 0/1 for booleans. Only the auto-increment key differs, and :attr:`Database.id_column`
supplies it for the schema.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.settings import get_settings

# How long a connection waits for another process's write lock before giving up.
BUSY_TIMEOUT_MS = 10_000

_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2")


class DatabaseError(RuntimeError):
    """The database cannot be opened or migrated (bad URL, missing driver, newer schema)."""


@dataclass(frozen=True)
class DatabaseTarget:
    """Where a URL points: ``dialect`` is ``"sqlite"`` or ``"postgresql"``; for SQLite,
    ``path`` is a file or ``":memory:"``; for PostgreSQL, ``dsn`` is the URL for the driver."""

    dialect: str
    path: Path | str | None = None
    dsn: str | None = None


def resolve_url(url: str | None, data_dir: Path | None = None) -> DatabaseTarget:
    """Parse a database URL (see the module docstring); relative SQLite paths are placed under
    ``data_dir`` (default: ``settings.data_dir``)."""
    settings = get_settings()
    data_dir = Path(data_dir) if data_dir is not None else settings.data_dir
    url = (url or "").strip()
    if not url:
        return DatabaseTarget("sqlite", path=data_dir / settings.sqlite_path.name)
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme == "sqlite":
        rest = url[len("sqlite://"):]
        if rest in ("", "/:memory:", ":memory:"):
            return DatabaseTarget("sqlite", path=":memory:")
        if not rest.startswith("/"):
            raise DatabaseError(f"bad SQLite URL {url!r}: expected sqlite:///relative/path or sqlite:////absolute/path")
        path = Path(rest[1:])  # sqlite:///x → "x" (relative); sqlite:////x → "/x" (absolute)
        return DatabaseTarget("sqlite", path=path if path.is_absolute() else data_dir / path)
    if scheme in _POSTGRES_SCHEMES:
        parts = urlsplit(url)
        if not parts.hostname and not parts.path.strip("/"):
            raise DatabaseError(f"bad PostgreSQL URL {url!r}: expected postgresql://user:password@host/database")
        return DatabaseTarget("postgresql", dsn="postgresql://" + url.split("://", 1)[1])
    raise DatabaseError(
        f"unsupported database URL {url!r}: use an empty value (SQLite under data_dir), "
        "sqlite:///path or postgresql://user:password@host/database"
    )


def utc_now() -> str:
    """A timestamp for the database: ISO-8601 UTC with microseconds, fixed width, so that text
    order is time order in both SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


class Database:
    """One connection, its lock, transactions, and the schema migrations. Rows come back as dicts."""

    def __init__(self, target: DatabaseTarget):
        self.target = target
        self.dialect = target.dialect
        self._lock = threading.RLock()
        self._depth = 0  # nesting of transaction(); only the outermost commits
        self._closed = False
        if self.dialect == "sqlite":
            self._conn = self._open_sqlite(target.path)
        else:
            self._conn = self._open_postgres(target.dsn)

    # -- opening --------------------------------------------------------------------------------
    @staticmethod
    def _open_sqlite(path: Path | str) -> sqlite3.Connection:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; transaction() issues BEGIN/COMMIT itself.
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if path != ":memory:" and str(mode).lower() != "wal":
            conn.close()
            raise DatabaseError(f"could not switch {path} to WAL mode (journal_mode={mode})")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return conn

    @staticmethod
    def _open_postgres(dsn: str):
        try:
            import psycopg  # optional dependency, only for PostgreSQL URLs
        except ImportError as exc:
            raise DatabaseError(
                "the database URL points at PostgreSQL, but the driver is not installed: "
                "pip install 'psycopg[binary]' (or leave FINBOT_DATABASE_URL empty for SQLite)"
            ) from exc
        try:
            return psycopg.connect(dsn)
        except Exception as exc:  # psycopg.OperationalError; its message names host and cause
            raise DatabaseError(f"cannot connect to PostgreSQL: {exc}") from exc

    # -- the schema -----------------------------------------------------------------------------
    @property
    def id_column(self) -> str:
        """The auto-increment integer primary key, in this dialect."""
        if self.dialect == "sqlite":
            return "INTEGER PRIMARY KEY AUTOINCREMENT"
        return "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"

    def migrate(self, migrations: Sequence[tuple[int, Sequence[str]]]) -> int:
        """Apply the migrations newer than the stored schema version, each in its own transaction,
        and return the version now in place. ``{id}`` in a statement stands for :attr:`id_column`."""
        latest = max((version for version, _ in migrations), default=0)
        with self.transaction():
            self.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                         " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        current = self.query_value("SELECT MAX(version) FROM schema_version") or 0
        if current > latest:
            raise DatabaseError(
                f"the database schema is version {current}, newer than this finbot knows ({latest}); "
                "upgrade finbot or point FINBOT_DATABASE_URL at another database"
            )
        for version, statements in sorted(migrations):
            if version <= current:
                continue
            with self.transaction():
                # Another process may have migrated between our read and our write lock.
                if self.query_value("SELECT 1 FROM schema_version WHERE version = ?", (version,)):
                    continue
                for statement in statements:
                    self.execute(statement.replace("{id}", self.id_column))
                self.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                             (version, utc_now()))
        return max(current, latest)

    # -- statements -----------------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql if self.dialect == "sqlite" else sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run one statement and return its rows (if any) as dicts. Outside :meth:`transaction`
        a statement on SQLite is its own transaction (autocommit)."""
        with self._lock:
            self._check_open()
            cursor = self._conn.cursor()
            try:
                cursor.execute(self._sql(sql), tuple(params))
                if cursor.description is None:
                    rows = []
                else:
                    names = [column[0] for column in cursor.description]
                    rows = [dict(zip(names, row)) for row in cursor.fetchall()]
            finally:
                cursor.close()
            if self.dialect == "postgresql" and self._depth == 0:
                self._conn.commit()
            return rows

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return self.execute(sql, params)

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self.execute(sql, params)
        return rows[0] if rows else None

    def query_value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.query_one(sql, params)
        return next(iter(row.values())) if row else None

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an ``INSERT … RETURNING id`` and return the new id."""
        return int(self.query_value(sql, params))

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """A transaction that holds the lock for its whole duration: committed (and on SQLite,
        fsynced) when the outermost block exits normally, rolled back on an exception. Nested blocks
        join the outer transaction. On SQLite it starts with ``BEGIN IMMEDIATE``, taking the write
        lock at once, so a read-then-write block cannot fail half-way on a busy database."""
        with self._lock:
            self._check_open()
            outermost = self._depth == 0
            if outermost and self.dialect == "sqlite":
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outermost:
                    self._rollback()
                raise
            self._depth -= 1
            if outermost:
                try:
                    self._conn.commit() if self.dialect == "postgresql" else self._conn.execute("COMMIT")
                except BaseException:
                    self._rollback()
                    raise

    def _rollback(self) -> None:
        if self.dialect == "postgresql":
            self._conn.rollback()
        elif self._conn.in_transaction:  # SQLite may already have rolled back (disk full, I/O error)
            self._conn.execute("ROLLBACK")

    # -- life cycle -----------------------------------------------------------------------------
    def pragma(self, name: str) -> Any:
        """A SQLite PRAGMA's current value (for checks and ``finbot doctor``)."""
        if self.dialect != "sqlite":
            raise DatabaseError("PRAGMA is SQLite only")
        return self.query_value(f"PRAGMA {name}")

    def _check_open(self) -> None:
        if self._closed:
            raise DatabaseError("the database is closed")

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._conn.close()
                self._closed = True

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def open_database(url: str | None = None, data_dir: Path | None = None) -> Database:
    """Open the database a URL points at (default: the ``database_url`` setting). The schema is
    not touched here; :class:`bot.store.ConversationStore` migrates it on open."""
    if url is None:
        url = get_settings().database_url
    return Database(resolve_url(url, data_dir))
