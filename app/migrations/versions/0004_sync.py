"""sync: node identity stamps on events and records, trusted nodes, vectors, attempts

Existing rows were all made on this server: they get this server's node id as origin/home
and numbers in the order they were made (docs/sync.md).

Revision ID: 5b1e0c7a9d21
Revises: 7a3c1e5d9b20
Create Date: 2026-12-06 07:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '5b1e0c7a9d21'
down_revision = '7a3c1e5d9b20'
branch_labels = None
depends_on = None

# Mutable records with a home server, in the order they were numbered.
RECORD_TABLES = ('village', 'user_account', 'training_class', 'village_problem')


def _this_node_id():
    from app.sync.node import this_node_id

    return this_node_id()


def upgrade():
    op.create_table('sync_node',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=True),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_node')),
    sa.UniqueConstraint('public_key', name=op.f('uq_sync_node_public_key'))
    )
    op.create_table('sync_node_village',
    sa.Column('node_id', sa.Uuid(), nullable=False),
    sa.Column('village_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['node_id'], ['sync_node.id'], name=op.f('fk_sync_node_village_node_id_sync_node'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_sync_node_village_village_id_village'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('node_id', 'village_id', name=op.f('pk_sync_node_village'))
    )
    op.create_table('sync_counter',
    sa.Column('node_id', sa.Uuid(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('node_id', name=op.f('pk_sync_counter'))
    )
    op.create_table('sync_vector',
    sa.Column('origin', sa.Uuid(), nullable=False),
    sa.Column('stream', sa.String(length=10), nullable=False),
    sa.Column('upto', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('origin', 'stream', name=op.f('pk_sync_vector'))
    )
    op.create_table('change_request',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('home', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_change_request_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_request'))
    )
    op.create_index(op.f('ix_change_request_user_id'), 'change_request', ['user_id'], unique=False)
    op.create_table('sync_lock',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_sync_lock'))
    )
    op.create_table('sync_peer_vector',
    sa.Column('peer_id', sa.Uuid(), nullable=False),
    sa.Column('stream', sa.String(length=10), nullable=False),
    sa.Column('origin', sa.Uuid(), nullable=False),
    sa.Column('upto', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['peer_id'], ['sync_node.id'], name=op.f('fk_sync_peer_vector_peer_id_sync_node'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('peer_id', 'stream', 'origin', name=op.f('pk_sync_peer_vector'))
    )
    op.create_table('sync_attempt',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('peer_id', sa.Uuid(), nullable=True),
    sa.Column('route', sa.String(length=10), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('bundle_id', sa.String(length=36), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('error', sa.String(length=40), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('bytes', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Double(), nullable=True),
    sa.Column('round_trip_ms', sa.Double(), nullable=True),
    sa.ForeignKeyConstraint(['peer_id'], ['sync_node.id'], name=op.f('fk_sync_attempt_peer_id_sync_node')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_attempt'))
    )
    op.create_index(op.f('ix_sync_attempt_peer_id'), 'sync_attempt', ['peer_id'], unique=False)

    for table in RECORD_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('home', sa.Uuid(), nullable=True))
            batch.add_column(sa.Column('seq', sa.Integer(), nullable=True))
    with op.batch_alter_table('event') as batch:
        batch.add_column(sa.Column('origin', sa.Uuid(), nullable=True))
        batch.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('lamport', sa.Integer(), nullable=True))

    _backfill()

    for table in RECORD_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column('home', existing_type=sa.Uuid(), nullable=False)
            batch.alter_column('seq', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('event') as batch:
        for column in ('origin', 'seq', 'lamport'):
            batch.alter_column(column, existing_type=sa.Uuid() if column == 'origin' else sa.Integer(), nullable=False)
        batch.create_unique_constraint('uq_event_origin_seq', ['origin', 'seq'])
        batch.create_index('ix_event_user_lamport', ['user_id', 'lamport'], unique=False)


def _backfill():
    """Number what exists in the order it was made: villages, people, then events."""
    bind = op.get_bind()
    village, user, event = (sa.table('village', sa.column('id', sa.Uuid()), sa.column('home', sa.Uuid()), sa.column('seq', sa.Integer())),
                            sa.table('user_account', sa.column('id', sa.Uuid()), sa.column('created_at'),
                                     sa.column('home', sa.Uuid()), sa.column('seq', sa.Integer())),
                            sa.table('event', sa.column('id', sa.Uuid()), sa.column('user_id', sa.Uuid()), sa.column('created_at'),
                                     sa.column('origin', sa.Uuid()), sa.column('seq', sa.Integer()), sa.column('lamport', sa.Integer())))
    classes, problems = (sa.table(name, sa.column('id', sa.Uuid()), sa.column('created_at'), sa.column('home', sa.Uuid()),
                                  sa.column('seq', sa.Integer())) for name in ('training_class', 'village_problem'))
    village_ids = bind.execute(sa.select(village.c.id).order_by(village.c.id)).scalars().all()
    records = [(village, village_ids)] + [
        (table, bind.execute(sa.select(table.c.id).order_by(table.c.created_at, table.c.id)).scalars().all())
        for table in (user, classes, problems)]
    event_rows = bind.execute(sa.select(event.c.id, event.c.user_id).order_by(event.c.created_at, event.c.id)).all()
    if not (any(ids for _, ids in records) or event_rows):
        return  # a new database: nothing to number, and no identity needed yet
    me = _this_node_id()
    seq = 0
    for table, ids in records:
        for row_id in ids:
            seq += 1
            bind.execute(table.update().where(table.c.id == row_id).values(home=me, seq=seq))
    lamport: dict = {}
    for event_id, user_id in event_rows:
        seq += 1
        lamport[user_id] = lamport.get(user_id, 0) + 1
        bind.execute(event.update().where(event.c.id == event_id).values(origin=me, seq=seq, lamport=lamport[user_id]))
    counter = sa.table('sync_counter', sa.column('node_id', sa.Uuid()), sa.column('last_seq', sa.Integer()))
    bind.execute(counter.insert().values(node_id=me, last_seq=seq))


def downgrade():
    with op.batch_alter_table('event') as batch:
        batch.drop_index('ix_event_user_lamport')
        batch.drop_constraint('uq_event_origin_seq', type_='unique')
        for column in ('lamport', 'seq', 'origin'):
            batch.drop_column(column)
    for table in reversed(RECORD_TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('seq')
            batch.drop_column('home')
    op.drop_index(op.f('ix_sync_attempt_peer_id'), table_name='sync_attempt')
    op.drop_table('sync_attempt')
    op.drop_table('sync_vector')
    op.drop_table('sync_peer_vector')
    op.drop_table('sync_lock')
    op.drop_index(op.f('ix_change_request_user_id'), table_name='change_request')
    op.drop_table('change_request')
    op.drop_table('sync_counter')
    op.drop_table('sync_node_village')
    op.drop_table('sync_node')
