"""Several real servers in one test: each its own database, node identity and app. The district
runs on PostgreSQL when TEST_DATABASE_URL is set (as the real district does), the villages on
SQLite files."""

from __future__ import annotations

import tempfile
import uuid
from contextlib import contextmanager

from app.auth import accounts
from app.extensions import db
from app.models import Role, SyncNode, Village
from app.sync import exchange, peers
from app.sync.node import this_node
from tests.conftest import DATABASE_URL, make_app


class Node:
    def __init__(self, name: str, role: str, folder):
        self.name, self.role = name, role
        node_dir = tempfile.mkdtemp(prefix=f"node-{name}-", dir=folder)
        self.on_postgres = role == "district" and bool(DATABASE_URL)
        url = DATABASE_URL if self.on_postgres else f"sqlite:///{node_dir}/db.sqlite"
        self.app = make_app(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={}, NODE_DIR=node_dir, NODE_ROLE=role)
        with self.ctx():
            if self.on_postgres:
                db.drop_all()
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
            if self.on_postgres:  # the shared test database: leave it empty for the next test
                db.session.remove()
                db.drop_all()
            db.engine.dispose()


# Bundles between two nodes, as a stick or a network round would carry them.
def export(sender: Node, receiver: Node, seal=True, since=None) -> bytes:
    with sender.ctx():
        peer = db.session.get(SyncNode, uuid.UUID(receiver.id))
        data, _, _ = exchange.export_for(peer, since, seal=seal)
        return data


def apply(receiver: Node, data: bytes, route="file"):
    with receiver.ctx():
        return exchange.apply(data, route=route)


def send(sender: Node, receiver: Node):
    return apply(receiver, export(sender, receiver))


@contextmanager
def district_and_village(folder, *staff):
    """A district with the village Абай and these staff accounts ((username, name, role), the
    trainers working in Абай), a village server enrolled for Абай, both enrolled with each
    other, and the village provisioned by one bundle. Yields (district, village, Абай's id)."""
    district, village = Node("district", "district", folder), Node("village", "village", folder)
    with district.ctx():
        place = Village(name_kk="Абай", name_ru="Абай", residents=100)
        db.session.add(place)
        db.session.commit()
        place_id = str(place.id)
        for username, name, role in staff:
            accounts.create_staff(username, name, role, "correct-horse-1", [place.id] if role == Role.TRAINER else [])
    district.enrol(village, [place_id])
    village.enrol(district)
    send(district, village)  # provisioning: villages and the trainers
    try:
        yield district, village, place_id
    finally:
        district.close()
        village.close()
