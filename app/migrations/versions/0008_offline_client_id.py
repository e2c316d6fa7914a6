"""offline: the id a phone gives each answer it queued, so that a re-send is stored once

Revision ID: 8c4d2f6a1e35
Revises: 9c4d2a7e1f05
Create Date: 2026-12-06 09:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '8c4d2f6a1e35'
down_revision = '9c4d2a7e1f05'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event') as batch:
        batch.add_column(sa.Column('client_id', sa.Uuid(), nullable=True))
        batch.create_unique_constraint('uq_event_user_client', ['user_id', 'client_id'])


def downgrade():
    with op.batch_alter_table('event') as batch:
        batch.drop_constraint('uq_event_user_client', type_='unique')
        batch.drop_column('client_id')
