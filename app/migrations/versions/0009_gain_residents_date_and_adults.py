"""village residents: the date of the figure and whether it counts adults (18+) only

Existing figures are not known to count adults only: they stay False, and the report flags them.

Revision ID: 9c4d2e6f1a35
Revises: 8c4d2f6a1e35
Create Date: 2026-12-06 09:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '9c4d2e6f1a35'
down_revision = '8c4d2f6a1e35'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.add_column(sa.Column('residents_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('residents_adults', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('village', schema=None) as batch_op:
        batch_op.drop_column('residents_adults')
        batch_op.drop_column('residents_on')
