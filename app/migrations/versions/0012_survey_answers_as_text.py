"""survey answers as text the database searches (the district figures in SQL), and the learners
of a village and the classes of a learner found by an index

Revision ID: 6b2d8f4a1c37
Revises: 3a7e5c9d2b14
Create Date: 2026-12-06 15:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '6b2d8f4a1c37'
down_revision = '3a7e5c9d2b14'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('progress_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers_first', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('answers_first_lamport', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answers_latest', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('answers_paper', sa.Text(), nullable=True))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index('ix_user_account_village', ['village_id'], unique=False)
    with op.batch_alter_table('class_learner', schema=None) as batch_op:
        batch_op.create_index('ix_class_learner_user', ['user_id'], unique=False)
    # The new columns of the survey summaries already here: a function of their `detail` alone
    # (the same code as the one writer's), so no need to go back to the events.
    from app.progress.summaries import fill_answers

    fill_answers(op.get_bind())


def downgrade():
    with op.batch_alter_table('class_learner', schema=None) as batch_op:
        batch_op.drop_index('ix_class_learner_user')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index('ix_user_account_village')
    with op.batch_alter_table('progress_item', schema=None) as batch_op:
        batch_op.drop_column('answers_paper')
        batch_op.drop_column('answers_latest')
        batch_op.drop_column('answers_first_lamport')
        batch_op.drop_column('answers_first')
