"""The first schema: sessions, turns, suggestions, feedback, alerts, access_log.

Revision ID: 0001
Revises: (none)

The same tables, columns, defaults, checks, foreign keys and indexes as the store made before
Alembic (migration 1 of the old bot/store/repository.py, which recorded itself in a table
``schema_version``). On a database made by that code there is nothing to create: this step checks
that it is that schema, version 1, and adopts it. ``schema_version`` is left in place, so that
replicas of the previous release still start while a rolling restart is under way.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = ("sessions", "turns", "suggestions", "feedback", "alerts", "access_log")


def _id() -> sa.Column:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), sa.Identity(), primary_key=True)


def _adopt_pre_alembic_schema(bind) -> bool:
    """True when the database was made by the store before Alembic (and so already has this schema)."""
    inspector = sa.inspect(bind)
    if not inspector.has_table("schema_version"):
        return False
    version = bind.execute(sa.text("SELECT MAX(version) FROM schema_version")).scalar()
    missing = [name for name in TABLES if not inspector.has_table(name)]
    if version != 1 or missing:
        raise RuntimeError(f"this database has the pre-Alembic schema_version table at version {version!r}"
                           + (f" but lacks the tables {', '.join(missing)}" if missing else "")
                           + "; only version 1 (the last release before Alembic) can be upgraded")
    return True


def upgrade() -> None:
    if _adopt_pre_alembic_schema(op.get_bind()):
        return
    op.create_table(
        "sessions",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("customer_id", sa.Text),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("started_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("last_message_at", sa.Text),
        sa.Column("last_intent", sa.Text),
        sa.Column("fraud_level", sa.Text, nullable=False, server_default=sa.text("'none'")),
        sa.Column("fraud_scenario", sa.Text),
        sa.Column("turn_count", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("state_json", sa.Text),
        sa.Column("handoff", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("handoff_reason", sa.Text),
        sa.Column("handoff_summary_json", sa.Text),
        sa.Column("handoff_at", sa.Text),
    )
    op.create_index("sessions_by_activity", "sessions", ["status", "last_message_at"])
    op.create_index("sessions_by_customer", "sessions", ["customer_id"])
    op.create_table(
        "turns",
        _id(),
        sa.Column("session_id", sa.Text, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.Text, sa.CheckConstraint("role IN ('customer', 'bot', 'agent')"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("intent", sa.Text),
        sa.Column("confidence", sa.DOUBLE_PRECISION),
        sa.Column("fraud_level", sa.Text),
        sa.Column("fraud_scenario", sa.Text),
        sa.Column("skill", sa.Text),
        sa.Column("data_json", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("turns_by_session", "turns", ["session_id", "id"])
    op.create_table(
        "suggestions",
        _id(),
        sa.Column("turn_id", sa.BigInteger, sa.ForeignKey("turns.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("confidence", sa.DOUBLE_PRECISION),
        sa.Column("source", sa.Text),
        sa.Column("why", sa.Text),
        sa.Column("kind", sa.Text),
        sa.Column("data_json", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("suggestions_by_turn", "suggestions", ["turn_id"])
    op.create_table(
        "feedback",
        _id(),
        sa.Column("suggestion_id", sa.BigInteger, sa.ForeignKey("suggestions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("verdict", sa.Text, sa.CheckConstraint("verdict IN ('used', 'edited', 'rejected')"),
                  nullable=False),
        sa.Column("final_text", sa.Text),
        sa.Column("agent_id", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("feedback_by_suggestion", "feedback", ["suggestion_id", "id"])
    op.create_table(
        "alerts",
        _id(),
        sa.Column("session_id", sa.Text, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("level", sa.Text, nullable=False),
        sa.Column("scenario", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("acknowledged", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("acknowledged_at", sa.Text),
        sa.Column("acknowledged_by", sa.Text),
        sqlite_autoincrement=True,
    )
    op.create_index("alerts_by_state", "alerts", ["acknowledged", "id"])
    op.create_table(
        "access_log",
        _id(),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("customer", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("detail", sa.Text),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
