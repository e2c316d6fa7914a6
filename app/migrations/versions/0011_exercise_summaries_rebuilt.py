"""exercise summaries rebuilt: the best attempt now ranks an attempt without a critical mistake
first (mastery counts the practice), so summaries written before are recomputed from the events

Revision ID: 3a7e5c9d2b14
Revises: 4e7b9c2d1f60
Create Date: 2026-12-06 13:00:00
"""
from alembic import op

revision = '3a7e5c9d2b14'
down_revision = '4e7b9c2d1f60'
branch_labels = None
depends_on = None


def upgrade():
    # No table changes: the summaries are a projection of the events, recomputed with the same
    # code as `flask progress rebuild` so that no server keeps a "best" attempt picked by the old rule.
    from app.progress.summaries import rebuild

    rebuild(op.get_bind())


def downgrade():
    pass  # the old code reads the rebuilt summaries as they are
