"""audit newest: an index on (program_key, id), so a program's latest changes are read
without sorting its whole trail

The dashboard and the audit log page read a program's newest rows first; with only the
(program_key, revision) and (program_key, at) indexes SQLite sorted every row of the
program (20,000 after importing a large plan) to find the last ten.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 02:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_audit_log_program_key_id", "audit_log", ["program_key", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_program_key_id", table_name="audit_log")
