"""Enrolment: the one moment two servers learn to trust each other's keys."""

from __future__ import annotations

import uuid

from ..extensions import db
from ..models import SyncNode, SyncPeerVector, Village
from .identity import ROLES, decode_key
from .node import this_node


class EnrolError(ValueError):
    pass


def enrol(node_id: str, role: str, public_key: str, name: str, village_ids=(), url: str | None = None) -> SyncNode:
    """Trust another server: the district enrols each village server (with the villages it
    serves); a village server enrols the district (with its address). Enrolling again with the
    same id updates the name, villages and address, never the key (a new key is a new node)."""
    try:
        node_uuid = uuid.UUID(str(node_id))
        key = decode_key(public_key)
        village_uuids = [uuid.UUID(str(v)) for v in village_ids]
    except ValueError as exc:
        raise EnrolError(f"not a node id and public key: {exc}") from exc
    if role not in ROLES:
        raise EnrolError(f"role must be one of {', '.join(ROLES)}")
    if node_uuid == this_node().node_id:
        raise EnrolError("that is this server itself")
    found = [db.session.get(Village, v) for v in village_uuids]
    villages = [v for v in found if v is not None]
    if len(villages) != len(found):
        raise EnrolError("unknown village")
    node = db.session.get(SyncNode, node_uuid)
    other = db.session.scalar(db.select(SyncNode).where(SyncNode.public_key == public_key.strip(), SyncNode.id != node_uuid))
    if other is not None:
        raise EnrolError(f"this key is enrolled already, as {other.name}")
    if node is not None and {v.id for v in villages} - {v.id for v in node.villages}:
        # New villages: what the peer said it holds was said without them. Forget it, so the
        # next bundle for it carries everything of its villages (a re-send is harmless).
        db.session.execute(db.delete(SyncPeerVector).where(SyncPeerVector.peer_id == node_uuid))
    if node is None:
        node = SyncNode(id=node_uuid, role=role, public_key=public_key.strip(), name=name)
        db.session.add(node)
    elif decode_key(node.public_key) != key:
        raise EnrolError("this node is enrolled with another key; a new key needs a new node")
    node.role, node.name, node.url, node.active = role, name, url, True
    node.villages = villages
    db.session.commit()
    return node
