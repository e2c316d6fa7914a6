"""awareness: an index for account links ("merged into" events, looked up by the kept account)

Revision ID: 9c4d2a7e1f05
Revises: 9d4f2a6c8e13
Create Date: 2026-12-06 10:00:00
"""
from alembic import op

revision = '9c4d2a7e1f05'
down_revision = '9d4f2a6c8e13'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_event_kind_item', 'event', ['kind', 'item_id'], unique=False)


def downgrade():
    op.drop_index('ix_event_kind_item', table_name='event')
