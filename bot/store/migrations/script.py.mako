"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

Write the step out in full (op.create_table, op.add_column…), not from bot.store.schema: a migration
is history and must not change when the live schema does. Keep it additive where you can (new
nullable columns, new tables), so that replicas of the previous release keep working during a
rolling restart; then update bot/store/schema.py to match (tests/store/test_store_migrations.py).
"""

from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
