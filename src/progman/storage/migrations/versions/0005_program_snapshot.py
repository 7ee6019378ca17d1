"""program snapshot: the whole plan as JSON text, and the revision it belongs to

Programs stored before this revision have none yet; they load from their rows until
their next save writes one.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("programs") as batch:
        batch.add_column(sa.Column("snapshot", sa.Text(), nullable=True))
        batch.add_column(sa.Column("snapshot_revision", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("programs") as batch:
        batch.drop_column("snapshot_revision")
        batch.drop_column("snapshot")
