"""Several real servers in one test: each its own database file, node identity and app."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager

from app.extensions import db
from app.sync import peers
from app.sync.node import this_node
from tests.conftest import make_app


class Node:
    def __init__(self, name: str, role: str, folder):
        self.name, self.role = name, role
        node_dir = tempfile.mkdtemp(prefix=f"node-{name}-", dir=folder)
        self.app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{node_dir}/db.sqlite", SQLALCHEMY_ENGINE_OPTIONS={},
                            NODE_DIR=node_dir, NODE_ROLE=role)
        with self.ctx():
            db.create_all()
            me = this_node()
            self.id, self.key = str(me.node_id), me.public_key_text

    @contextmanager
    def ctx(self):
        with self.app.app_context():
            yield
            db.session.remove()

    def enrol(self, other: Node, village_ids=()):
        with self.ctx():
            peers.enrol(other.id, other.role, other.key, other.name, village_ids)

    def close(self):
        with self.app.app_context():
            db.engine.dispose()
