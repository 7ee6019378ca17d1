"""audit revision: the program revision each audit row's change made

A process that holds a program at an older revision reads the changes made since from
the audit log, instead of loading the whole program again. Rows written before this
revision have none; they are never replayed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=True))
        batch.create_index("ix_audit_log_program_key_revision", ["program_key", "revision"])


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index("ix_audit_log_program_key_revision")
        batch.drop_column("revision")
