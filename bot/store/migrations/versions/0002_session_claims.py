"""Claims on the handoff queue: which agent took a session, and when.

Revision ID: 0002
Revises: 0001

Two nullable columns on ``sessions``: additive, so replicas of the previous release (which never
name them) keep working against the upgraded database during a rolling restart.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("claimed_by", sa.Text))
    op.add_column("sessions", sa.Column("claimed_at", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:  # SQLite cannot always drop a column in place
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
