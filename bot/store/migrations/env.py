"""Alembic's entry point, run by bot.store.schema_history (``finbot db upgrade`` and the first open
of a brand-new database), never with an alembic.ini: the caller hands over an open connection in a
transaction (``config.attributes["connection"]``), and every step runs inside that one transaction,
so an upgrade that fails half-way leaves the database as it was (PostgreSQL and SQLite both have
transactional DDL).

Several replicas may start on one brand-new database at the same moment: on PostgreSQL the
transaction first takes an advisory lock, on SQLite it began with BEGIN IMMEDIATE (the write lock),
so one process upgrades and the others then find the schema at head and do nothing.
"""

from alembic import context
from sqlalchemy import text

from bot.store.schema import metadata

# Any fixed number: the key of the advisory lock that serialises finbot's schema upgrades.
UPGRADE_LOCK_KEY = 4_207_119

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("bot/store/migrations runs through bot.store.schema_history (finbot db upgrade), "
                       "which passes it a connection; there is no alembic.ini")
if connection.dialect.name == "postgresql":
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK_KEY})
# transactional_ddl: the steps run in the caller's transaction, and SQLite's DDL is transactional too
# (sqlite3's implicit commits are off, bot.store.database), which Alembic does not assume by itself.
context.configure(connection=connection, target_metadata=metadata, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
