"""outreach: venue facts per village; seats and what to bring for each class

Revision ID: 9c4d2f1a7e35
Revises: 5b1e0c7a9d21
Create Date: 2026-12-06 09:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '9c4d2f1a7e35'
down_revision = '5b1e0c7a9d21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('venue',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('village_id', sa.Uuid(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('computers', sa.Integer(), nullable=True),
    sa.Column('projector', sa.Boolean(), nullable=True),
    sa.Column('internet', sa.String(length=10), nullable=True),
    sa.Column('internet_mbps', sa.Double(), nullable=True),
    sa.Column('internet_measured', sa.Boolean(), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('home', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_venue_village_id_village'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue')),
    sa.UniqueConstraint('village_id', name=op.f('uq_venue_village_id'))
    )
    with op.batch_alter_table('training_class') as batch:
        batch.add_column(sa.Column('seats', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('bring', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('training_class') as batch:
        batch.drop_column('bring')
        batch.drop_column('seats')
    op.drop_table('venue')
