"""villages: a login-code prefix each (10–89), given by the village's home server

The villages this server made (the district's, or a single server's) get prefixes in the order of
their Kazakh names, each as a new version of the village record, so that the prefixes reach the
village servers with the next sync. Villages made elsewhere get theirs from their home.

Revision ID: 4e7b9c2d1f60
Revises: 9c4d2e6f1a35
Create Date: 2026-12-06 10:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '4e7b9c2d1f60'
down_revision = '9c4d2e6f1a35'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('village') as batch:
        batch.add_column(sa.Column('code_prefix', sa.Integer(), nullable=True))
        batch.create_unique_constraint('uq_village_code_prefix', ['code_prefix'])
    from app.models.places import VILLAGE_PREFIXES
    from app.sync.node import this_node_id
    from app.sync.stamp import next_seq

    conn = op.get_bind()
    me = this_node_id()
    village = sa.table('village', sa.column('id', sa.Uuid()), sa.column('name_kk', sa.String()),
                       sa.column('home', sa.Uuid()), sa.column('seq', sa.Integer()), sa.column('code_prefix', sa.Integer()))
    mine = conn.execute(sa.select(village.c.id).where(village.c.home == me).order_by(village.c.name_kk)).scalars().all()
    for village_id, prefix in zip(mine, VILLAGE_PREFIXES, strict=False):
        conn.execute(village.update().where(village.c.id == village_id)
                     .values(code_prefix=prefix, seq=next_seq(conn, me)))


def downgrade():
    with op.batch_alter_table('village') as batch:
        batch.drop_constraint('uq_village_code_prefix', type_='unique')
        batch.drop_column('code_prefix')
