"""What a learner did, as immutable events with UUIDs.

Events are only ever inserted. Ids are UUIDs so that events recorded on a village-centre
server and on the district server can later be merged without clashes.
"""

import uuid
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..progress.kinds import EventKind  # noqa: F401  (re-exported for callers)
from .people import utcnow


class Event(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    __tablename__ = "event"
    __table_args__ = (Index("ix_event_user_item", "user_id", "item_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[str] = mapped_column(String(64))  # lesson or test id from content/
    question_id: Mapped[str | None] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(2))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


@event.listens_for(Event, "before_update")
@event.listens_for(Event, "before_delete")
def _events_are_immutable(mapper, connection, target):
    raise ValueError("events are immutable: record a new event instead")
