"""The database: a URL, a SQLAlchemy engine with a connection pool, and transactions.

URLs (the ``FINBOT_DATABASE_URL`` setting):

- ``""`` (the default) → the SQLite file ``settings.sqlite_path`` (under ``data_dir``);
- ``sqlite:///name.sqlite3`` → a file relative to ``data_dir``; ``sqlite:////abs/path.sqlite3``
  → an absolute path (four slashes, as in SQLAlchemy); ``sqlite://`` or ``sqlite:///:memory:`` →
  an in-memory database (tests and demos; gone when closed);
- ``postgresql://user:pass@host/db`` (also ``postgres://``, ``postgresql+psycopg://``) →
  PostgreSQL through the optional ``psycopg`` 3 driver (extra ``finbot[postgres]``), imported only then.

SQLite connections are configured as each one is opened (a ``connect`` event): ``journal_mode=WAL``
(readers do not block the writer), ``synchronous=FULL`` (the WAL is fsynced at every commit, so an
acknowledged turn survives a kill and a power cut), ``foreign_keys=ON`` and a busy timeout (other
connections and processes writing the same file wait, not fail). A write transaction starts with
``BEGIN IMMEDIATE``, taking SQLite's write lock at once, so a read-then-write block cannot fail
half-way on a busy file; reads start a plain (deferred) ``BEGIN`` and never wait for writers.

Threads: the engine's pool hands each transaction a connection of its own (``database_pool_size``
kept open, up to ``database_max_overflow`` more under load), so FastAPI's worker threads share one
:class:`Database`. Within :meth:`Database.transaction` every statement of that thread, nested
blocks included, runs on the transaction's connection; only the outermost block commits.

Opening checks the URL and connects once, so a malformed URL, a missing driver or an unreachable
server stops the start-up with a :class:`DatabaseError` naming ``FINBOT_DATABASE_URL``, instead of
failing the first turn. The schema is not touched here: :class:`bot.store.ConversationStore`
checks its revision on open (``bot.store.schema_history``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import QueuePool
from sqlalchemy.sql import Executable

from bot.settings import Settings, get_settings

# How long a SQLite connection waits for another connection's write lock before giving up.
BUSY_TIMEOUT_MS = 10_000
SETTING = "FINBOT_DATABASE_URL"

_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2")


class DatabaseError(RuntimeError):
    """The database cannot be opened or used as it is: a bad URL, a missing driver, a server that
    does not answer, or a schema this code does not know (the message says what to do)."""


@dataclass(frozen=True)
class DatabaseTarget:
    """Where a URL points: ``dialect`` is ``"sqlite"`` or ``"postgresql"``; for SQLite,
    ``path`` is a file or ``":memory:"``; for PostgreSQL, ``dsn`` is a ``postgresql://`` URL."""

    dialect: str
    path: Path | str | None = None
    dsn: str | None = None

    @property
    def sqlalchemy_url(self) -> str:
        if self.dialect == "sqlite":
            return "sqlite://" if self.path == ":memory:" else f"sqlite:///{self.path}"
        return "postgresql+psycopg://" + self.dsn.split("://", 1)[1]

    def describe(self) -> str:
        """The target for messages: the file, or the URL without its password."""
        if self.dialect == "sqlite":
            return "an in-memory SQLite database" if self.path == ":memory:" else f"the SQLite file {self.path}"
        return "PostgreSQL at " + make_url(self.dsn).render_as_string(hide_password=True)


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
            raise DatabaseError(f"bad SQLite URL in {SETTING} ({url!r}): "
                                "expected sqlite:///relative/path or sqlite:////absolute/path")
        path = Path(rest[1:])  # sqlite:///x → "x" (relative); sqlite:////x → "/x" (absolute)
        return DatabaseTarget("sqlite", path=path if path.is_absolute() else data_dir / path)
    if scheme in _POSTGRES_SCHEMES:
        dsn = "postgresql://" + url.split("://", 1)[1]
        try:
            parts = urlsplit(dsn)
            parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
            make_url(dsn)
        except (ValueError, ArgumentError) as exc:
            raise DatabaseError(f"bad PostgreSQL URL in {SETTING}: {exc}; "
                                "expected postgresql://user:password@host:port/database") from None
        if not parts.hostname and not parts.path.strip("/"):
            raise DatabaseError(f"bad PostgreSQL URL in {SETTING} ({url!r}): "
                                "expected postgresql://user:password@host:port/database")
        return DatabaseTarget("postgresql", dsn=dsn)
    raise DatabaseError(
        f"unsupported database URL in {SETTING} ({url!r}): use an empty value (SQLite under data_dir), "
        "sqlite:///path or postgresql://user:password@host/database"
    )


def utc_now() -> str:
    """A timestamp for the database: ISO-8601 UTC with microseconds, fixed width, so that text
    order is time order in both SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


# ----------------------------------------------------------------------------------------------
# The engine.
def _sqlite_engine(target: DatabaseTarget, settings: Settings) -> Engine:
    memory = target.path == ":memory:"
    if not memory:
        try:
            Path(target.path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create the folder of {target.describe()} "
                                f"(FINBOT_DATA_DIR, {SETTING}): {exc.strerror}") from exc
    engine = create_engine(
        target.sqlalchemy_url,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        # An in-memory database lives in its one connection: a pool of exactly one, which threads
        # take in turn. A file gets the configured pool.
        poolclass=QueuePool,
        pool_size=1 if memory else settings.database_pool_size,
        max_overflow=0 if memory else settings.database_max_overflow,
    )

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection, _record):
        # SQLAlchemy emits BEGIN itself (below); sqlite3's own implicit transactions are switched off.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if not memory and str(mode).lower() != "wal":
                raise DatabaseError(f"could not switch {target.path} to WAL mode (journal_mode={mode})")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection):
        read_only = connection.get_execution_options().get("finbot_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _postgres_engine(target: DatabaseTarget, settings: Settings) -> Engine:
    connect_args = {}
    if "connect_timeout" not in target.dsn:  # a URL's own ?connect_timeout= wins
        connect_args["connect_timeout"] = settings.database_connect_timeout_seconds
    try:
        return create_engine(
            target.sqlalchemy_url,
            connect_args=connect_args,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            # A connection the server dropped (restart, fail-over, idle timeout) is noticed when it is
            # taken from the pool and replaced, instead of failing the turn that drew it.
            pool_pre_ping=True,
        )
    except ImportError as exc:  # psycopg is imported by create_engine
        raise DatabaseError(
            f"{SETTING} points at PostgreSQL, but the driver is not installed: "
            "pip install 'psycopg[binary]' (the finbot[postgres] extra), "
            f"or leave {SETTING} empty for the embedded SQLite"
        ) from exc


class Database:
    """The engine, its pool, and transactions. Rows come back as dicts."""

    def __init__(self, target: DatabaseTarget, settings: Settings | None = None):
        settings = settings or get_settings()
        self.target = target
        self.dialect = target.dialect
        self._closed = False
        self._local = threading.local()  # .connection: this thread's open transaction, if any
        self.engine = (_sqlite_engine if self.dialect == "sqlite" else _postgres_engine)(target, settings)
        # Reads outside a transaction: on SQLite a deferred BEGIN that does not take the write lock.
        self._read_engine = self.engine.execution_options(finbot_read_only=True)
        self._check_reachable()

    def _check_reachable(self) -> None:
        try:
            with self.engine.connect():
                pass
        except DatabaseError:
            self.engine.dispose()
            raise
        except DBAPIError as exc:
            self.engine.dispose()
            cause = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
            raise DatabaseError(f"cannot connect to {self.target.describe()} ({SETTING}): {cause}") from exc

    # -- transactions ---------------------------------------------------------------------------
    @property
    def _connection(self) -> Connection | None:
        return getattr(self._local, "connection", None)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """A transaction on a connection of its own: committed (on SQLite, fsynced) when the
        outermost block exits normally, rolled back on an exception. Nested blocks in the same
        thread join the outer transaction."""
        if self._connection is not None:
            yield self
            return
        self._check_open()
        with self.engine.connect() as connection:
            with connection.begin():
                self._local.connection = connection
                try:
                    yield self
                finally:
                    self._local.connection = None

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        if self._connection is not None:
            yield self._connection
            return
        self._check_open()
        with self._read_engine.connect() as connection:
            yield connection  # the pool rolls the read transaction back when the connection returns

    # -- statements -----------------------------------------------------------------------------
    @staticmethod
    def _statement(statement: Executable | str) -> Executable:
        return text(statement) if isinstance(statement, str) else statement

    def execute(self, statement: Executable | str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one statement (a Core statement, or SQL text with ``:name`` parameters) in the current
        transaction, or in one of its own that is committed before this returns; its rows as dicts."""
        with self.transaction():
            result = self._connection.execute(self._statement(statement), params or {})
            return [dict(row) for row in result.mappings()] if result.returns_rows else []

    def change(self, statement: Executable) -> int:
        """Run an UPDATE or DELETE (as :meth:`execute`) and return how many rows it changed."""
        with self.transaction():
            return self._connection.execute(statement).rowcount

    def insert(self, statement: Executable) -> int:
        """Run an ``insert(...).returning(table.c.id)`` (as :meth:`execute`) and return the new id."""
        with self.transaction():
            return int(self._connection.execute(statement).scalar_one())

    def query(self, statement: Executable | str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a read, as dicts: in the current transaction, or on a pooled connection."""
        with self._reading() as connection:
            return [dict(row) for row in connection.execute(self._statement(statement), params or {}).mappings()]

    def query_one(self, statement: Executable | str, params: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        rows = self.query(statement, params)
        return rows[0] if rows else None

    def query_value(self, statement: Executable | str, params: Mapping[str, Any] | None = None) -> Any:
        row = self.query_one(statement, params)
        return next(iter(row.values())) if row else None

    # -- life cycle -----------------------------------------------------------------------------
    def pragma(self, name: str) -> Any:
        """A SQLite PRAGMA's value on a pooled connection (for checks and ``finbot doctor``)."""
        if self.dialect != "sqlite":
            raise DatabaseError("PRAGMA is SQLite only")
        return self.query_value(f"PRAGMA {name}")

    def _check_open(self) -> None:
        if self._closed:
            raise DatabaseError("the database is closed")

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def open_database(url: str | None = None, data_dir: Path | None = None, settings: Settings | None = None) -> Database:
    """Open the database a URL points at (default: the ``database_url`` setting), checking that it
    answers. The schema is not touched here; :class:`bot.store.ConversationStore` checks it on open."""
    settings = settings or get_settings()
    if url is None:
        url = settings.database_url
    return Database(resolve_url(url, data_dir), settings)
