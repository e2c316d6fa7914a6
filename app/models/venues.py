"""What a village's class venue has (the charter's step 1: facts about the venues), filled in by
the trainer and shown in the report beside the village's figures."""

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import utcnow
from .places import Village


class InternetKind(enum.StrEnum):
    NONE = "none"
    MOBILE = "mobile"  # a phone network (3G/4G), through a phone or a modem
    FIXED = "fixed"  # a line: fibre, DSL, satellite dish


class Venue(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    """One venue per village: the room where its classes take place (a centre, a school, a library)."""

    __tablename__ = "venue"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    village_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("village.id", ondelete="CASCADE"), unique=True)
    place: Mapped[str] = mapped_column(String(200), default="")  # e.g. "Village club, hall 2"
    computers: Mapped[int | None]  # working computers learners can use
    projector: Mapped[bool | None]
    internet: Mapped[str | None] = mapped_column(String(10))  # an InternetKind; None: not known
    internet_mbps: Mapped[float | None]  # download speed
    internet_measured: Mapped[bool] = mapped_column(default=False)  # a speed test, not what someone said
    contact: Mapped[str] = mapped_column(String(200), default="")  # who opens the room, and how to reach them
    notes: Mapped[str] = mapped_column(Text, default="")
    checked_on: Mapped[date | None] = mapped_column(Date)  # when the trainer last checked these facts
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # Sync (docs/sync.md): the one server that changes this record, and the number of its
    # current version in that server's change sequence. Stamped by app/sync/stamp.py; carried
    # by sync bundles like a village's problems.
    home: Mapped[uuid.UUID] = mapped_column()
    seq: Mapped[int] = mapped_column()

    village: Mapped[Village] = relationship()
