"""Persistence: sessions, turns, suggestions, feedback, alerts and the access log.

    from bot.store import ConversationStore, NotFound
    store = ConversationStore.open()          # FINBOT_DATABASE_URL, default SQLite under data_dir

``database`` opens a URL (SQLite with WAL and synchronous=FULL, or PostgreSQL through the optional
psycopg driver) and migrates the schema; ``repository`` is the store the pipeline and API call.
Every text is masked for personal data (bot.privacy) before it is written.
"""

from bot.store.database import Database, DatabaseError, DatabaseTarget, open_database, resolve_url
from bot.store.repository import (
    FRAUD_LEVELS,
    ROLES,
    SESSION_STATUSES,
    VERDICTS,
    ConversationStore,
    NotFound,
)


def open_store(settings=None) -> ConversationStore:
    """The conversation store named by the settings (database_url, or SQLite under data_dir)."""
    from bot.settings import get_settings

    settings = settings or get_settings()
    return ConversationStore.open(settings.database_url or None, settings.data_dir)


__all__ = [
    "open_store",
    "ConversationStore",
    "NotFound",
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
