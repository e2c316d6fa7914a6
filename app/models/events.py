"""What a learner did, as immutable events with UUIDs.

Events are only ever inserted. Ids are UUIDs, and each event carries the server that recorded
it with its number there, so that a village server's and the district server's events merge
by union (docs/sync.md). `origin`, `seq` and `lamport` are stamped by app/sync/stamp.py.
"""

import uuid
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..progress.kinds import EventKind  # noqa: F401  (re-exported for callers)
from .people import utcnow


class Event(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    __tablename__ = "event"
    __table_args__ = (Index("ix_event_user_item", "user_id", "item_id"),
                      Index("ix_event_user_lamport", "user_id", "lamport"),
                      # Account links (app/people.py): `merged` events by the account they point to.
                      Index("ix_event_kind_item", "kind", "item_id"),
                      UniqueConstraint("origin", "seq", name="uq_event_origin_seq"),
                      UniqueConstraint("user_id", "client_id", name="uq_event_user_client"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[str] = mapped_column(String(64))  # lesson or test id from content/
    question_id: Mapped[str | None] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(2))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    # Informational only: the recording server's clock, which may be wrong. Never an order.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # The server that recorded it and its number there (1, 2, 3…): the sync cursor (docs/sync.md).
    origin: Mapped[uuid.UUID] = mapped_column()
    seq: Mapped[int] = mapped_column()
    # The order of one learner's events across servers: one more than the highest this server
    # knew for the learner when it recorded the event (a Lamport clock); ties by origin.
    lamport: Mapped[int] = mapped_column()
    # The id a phone gave an answer it queued while offline (app/progress/outbox.py): a re-send
    # of the same answer is recognised and stored once. Empty for everything else.
    client_id: Mapped[uuid.UUID | None] = mapped_column()


@event.listens_for(Event, "before_update")
@event.listens_for(Event, "before_delete")
def _events_are_immutable(mapper, connection, target):
    raise ValueError("events are immutable: record a new event instead")
