"""What a server knows about sync: the servers it trusts, how far it has heard from each
origin, its own change counter, and every sync attempt (the internet monitor).

See docs/sync.md for the model. Nothing here is ever ordered by a clock.
"""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import utcnow
from .places import Village

node_villages = Table(
    "sync_node_village",
    db.metadata,
    Column("node_id", ForeignKey("sync_node.id", ondelete="CASCADE"), primary_key=True),
    Column("village_id", ForeignKey("village.id", ondelete="CASCADE"), primary_key=True),
)


class SyncNode(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    """Another server this one exchanges bundles with: on the district, each enrolled village
    server; on a village server, the district. Enrolment is the one moment of trust: from then
    on, a bundle is accepted only with a signature from the key stored here."""

    __tablename__ = "sync_node"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)  # the node's own id, made on that server
    role: Mapped[str] = mapped_column(String(10))  # "district" or "village"
    name: Mapped[str] = mapped_column(String(120))
    public_key: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str | None] = mapped_column(String(300))  # the district's address, for push and pull
    enrolled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)

    villages: Mapped[list[Village]] = relationship(secondary=node_villages)


class SyncCounter(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    """This server's own change counter: every event and every new version of a record it writes
    takes the next number (origin, seq). Kept in a row so that concurrent writers queue on it."""

    __tablename__ = "sync_counter"

    node_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class SyncVector(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    """Per origin server and stream ("records", "events"): every change numbered up to `upto`
    that is meant for this server is here. "Send me what I lack" is "send beyond this"."""

    __tablename__ = "sync_vector"

    origin: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    stream: Mapped[str] = mapped_column(String(10), primary_key=True)
    upto: Mapped[int] = mapped_column(Integer, default=0)


class SyncPeerVector(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    """What a peer said it holds, per stream and origin, in the last bundle it sent here: the
    starting point of the next bundle for it (a re-send of what it already has is harmless)."""

    __tablename__ = "sync_peer_vector"

    peer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sync_node.id", ondelete="CASCADE"), primary_key=True)
    stream: Mapped[str] = mapped_column(String(10), primary_key=True)
    origin: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    upto: Mapped[int] = mapped_column(Integer, default=0)


class SyncAttempt(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    """One sync, by network or by stick, whether it worked or not: the coordinator's view of
    each village's link and how old its data is."""

    __tablename__ = "sync_attempt"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    peer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sync_node.id"), index=True)
    route: Mapped[str] = mapped_column(String(10))  # "network" or "file"
    direction: Mapped[str] = mapped_column(String(10))  # "send" or "receive"
    bundle_id: Mapped[str | None] = mapped_column(String(36))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ok: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str | None] = mapped_column(String(40))  # a BundleError code, or another short code
    detail: Mapped[str | None] = mapped_column(Text)
    events: Mapped[int] = mapped_column(Integer, default=0)
    records: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float | None]
    round_trip_ms: Mapped[float | None]

    peer: Mapped[SyncNode | None] = relationship()


class SyncLock(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    """Held while a sync runs (app/sync/lock.py)."""

    __tablename__ = "sync_lock"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=utcnow)


class ChangeRequest(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    """A change asked of a person's home server by another server (docs/sync.md), e.g. a new
    PIN given at the district to a learner registered at a village. Made once, never changed;
    it travels to the home server, which carries it out as its own change."""

    __tablename__ = "change_request"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "new_pin"
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    home: Mapped[uuid.UUID] = mapped_column()  # the server that asked
    seq: Mapped[int] = mapped_column()
