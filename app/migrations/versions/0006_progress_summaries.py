"""progress summaries: one row per learner and lesson/test/survey, one per learner; filled from the events

Revision ID: 9d4f2a6c8e13
Revises: 9c4d2f1a7e35
Create Date: 2026-12-06 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '9d4f2a6c8e13'
down_revision = '9c4d2f1a7e35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('progress_item',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('last_lamport', sa.Integer(), nullable=False),
    sa.Column('last_origin', sa.String(length=36), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_activity', sa.DateTime(timezone=True), nullable=True),
    sa.Column('best_score', sa.Float(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('open_attempt', sa.Boolean(), nullable=False),
    sa.Column('shown_finished', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('role', sa.String(length=4), nullable=True),
    sa.Column('counted_lamport', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_progress_item_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', 'item_id', name=op.f('pk_progress_item'))
    )
    op.create_index('ix_progress_item_item', 'progress_item', ['item_id'], unique=False)
    op.create_table('progress_learner',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_progress_learner_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_progress_learner'))
    )
    # The summaries of the events already here (the same code as `flask progress rebuild`).
    from app.progress.summaries import rebuild

    rebuild(op.get_bind())


def downgrade():
    op.drop_table('progress_learner')
    op.drop_index('ix_progress_item_item', table_name='progress_item')
    op.drop_table('progress_item')
