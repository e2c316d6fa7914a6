"""Problems trainers find in a village (no signal, no computers, no digital signature…) and
what to do about them: the material of the final report's recommendations."""

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import User, utcnow
from .places import Village


class ProblemCategory(enum.StrEnum):
    CONNECTIVITY = "connectivity"
    EQUIPMENT = "equipment"
    SKILLS = "skills"
    DOCUMENTS = "documents"  # no digital signature, no phone number in the mobile citizens database
    LANGUAGE = "language"
    OTHER = "other"


class ProblemStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    SOLVED = "solved"


class VillageProblem(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    __tablename__ = "village_problem"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    village_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("village.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    found_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    solution: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ProblemStatus.OPEN)
    reported_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Sync (docs/sync.md): the one server that changes this record, and the number of its
    # current version in that server's change sequence. Stamped by app/sync/stamp.py.
    home: Mapped[uuid.UUID] = mapped_column()
    seq: Mapped[int] = mapped_column()

    village: Mapped[Village] = relationship()
    reporter: Mapped[User | None] = relationship()
