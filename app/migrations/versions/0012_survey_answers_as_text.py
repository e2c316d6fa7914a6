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
    from app.migrations import survey_text

    survey_text.add_columns(op)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.create_index('ix_user_account_village', ['village_id'], unique=False)
    with op.batch_alter_table('class_learner', schema=None) as batch_op:
        batch_op.create_index('ix_class_learner_user', ['user_id'], unique=False)
    # The new columns of the survey summaries already here: a function of their `detail` alone
    # (the same code as the one writer's then), so no need to go back to the events.
    survey_text.fill(op.get_bind())


def downgrade():
    with op.batch_alter_table('class_learner', schema=None) as batch_op:
        batch_op.drop_index('ix_class_learner_user')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index('ix_user_account_village')
    from app.migrations import survey_text

    survey_text.drop_columns(op)
