"""Persistence: sessions, turns, suggestions, feedback, alerts and the access log.

    from bot.store import ConversationStore, NotFound
    store = ConversationStore.open()          # FINBOT_DATABASE_URL, default SQLite under data_dir

``schema`` holds the tables (SQLAlchemy Core); ``database`` opens a URL (SQLite with WAL and
synchronous=FULL, or PostgreSQL through the optional psycopg driver) behind a connection pool;
``schema_history`` runs the Alembic migrations in ``migrations/`` (``finbot db upgrade``) and checks
the schema's revision on open; ``repository`` is the store the pipeline and API call.
Every text is masked for personal data (bot.privacy) before it is written.
"""

from bot.store.database import Database, DatabaseError, DatabaseTarget, open_database, resolve_url
from bot.store.repository import (
    FRAUD_LEVELS,
    ROLES,
    SESSION_STATUSES,
    VERDICTS,
    ClaimConflict,
    ConversationStore,
    NotFound,
)


def open_store(settings=None) -> ConversationStore:
    """The conversation store named by the settings (database_url, or SQLite under data_dir)."""
    from bot.settings import get_settings

    settings = settings or get_settings()
    return ConversationStore.open(settings.database_url or None, settings.data_dir, settings)


__all__ = [
    "open_store",
    "ConversationStore",
    "NotFound",
    "ClaimConflict",
    "Database",
    "DatabaseError",
    "DatabaseTarget",
    "open_database",
    "resolve_url",
    "ROLES",
    "VERDICTS",
    "FRAUD_LEVELS",
    "SESSION_STATUSES",
]
