"""report rows: each learner's facts for the district figures, decided by the one writer from
the progress summaries, so the district figures are sums over narrow rows (issue #10); the
survey answers as text (0012), which they replace, go

Revision ID: 8c3f1e6a9d52
Revises: 6b2d8f4a1c37
Create Date: 2026-12-06 19:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '8c3f1e6a9d52'
down_revision = '6b2d8f4a1c37'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_learner',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('basis', sa.String(length=16), nullable=False),
    sa.Column('intake_from', sa.String(length=5), nullable=True),
    sa.Column('exit_from', sa.String(length=5), nullable=True),
    sa.Column('both', sa.Boolean(), nullable=False),
    sa.Column('internet', sa.Integer(), nullable=True),
    sa.Column('paired', sa.BigInteger(), nullable=False),
    sa.Column('knew', sa.BigInteger(), nullable=False),
    sa.Column('knows', sa.BigInteger(), nullable=False),
    sa.Column('unaware', sa.BigInteger(), nullable=False),
    sa.Column('learned', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_report_learner_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_report_learner'))
    )
    op.create_table('report_level',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('level', sa.String(length=64), nullable=False),
    sa.Column('pre', sa.Float(), nullable=True),
    sa.Column('post', sa.Float(), nullable=True),
    sa.Column('pre_form', sa.String(length=1), nullable=True),
    sa.Column('post_form', sa.String(length=1), nullable=True),
    sa.Column('pre_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_report_level_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', 'level', name=op.f('pk_report_level'))
    )
    # The rows of the summaries already here, with the course this server serves (the same code
    # as the one writer's and `flask progress rebuild`'s): no need to go back to the events.
    from app.course import get_course
    from app.reports.report_rows import rebuild

    rebuild(op.get_bind(), get_course())
    from app.migrations import survey_text

    survey_text.drop_columns(op)


def downgrade():
    from app.migrations import survey_text

    survey_text.add_columns(op)
    survey_text.fill(op.get_bind())
    op.drop_table('report_level')
    op.drop_table('report_learner')
