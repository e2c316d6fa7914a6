"""Two-day classes run by trainers in a village, their learners, attendance, and the class
sessions opened on shared village-centre computers."""

import uuid
from datetime import date, datetime

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import User, utcnow
from .places import Village

class_learners = Table(
    "class_learner",
    db.metadata,
    Column("class_id", ForeignKey("training_class.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_class_learner_user", "user_id"),  # a learner's classes (the reports; the key starts with the class)
)


class TrainingClass(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    __tablename__ = "training_class"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    village_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("village.id"), index=True)
    level: Mapped[str] = mapped_column(String(40))  # a level id from content/
    day1: Mapped[date] = mapped_column(Date)
    day2: Mapped[date] = mapped_column(Date)
    venue: Mapped[str] = mapped_column(String(200))
    # For the public schedule and the poster: places offered (None: not given), and what to bring.
    seats: Mapped[int | None]
    bring: Mapped[str | None] = mapped_column(String(200))
    trainer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Sync (docs/sync.md): the one server that changes this class, its learners and its attendance, and the number of its
    # current version in that server's change sequence. Stamped by app/sync/stamp.py.
    home: Mapped[uuid.UUID] = mapped_column()
    seq: Mapped[int] = mapped_column()

    village: Mapped[Village] = relationship()
    trainer: Mapped[User | None] = relationship(foreign_keys=[trainer_id])
    learners: Mapped[list[User]] = relationship(secondary=class_learners, order_by=User.name)


class Attendance(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    """Who came on day 1 and day 2 of a class (a row means present)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("class_id", "user_id", "day", name="uq_attendance_class_user_day"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    class_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("training_class.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    day: Mapped[int]


class ClassSession(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    """A class opened on one shared computer: there, learners pick their name and type their PIN.

    The computer holds the secret `token` in a cookie; the session ends when the trainer
    closes it or after `ClassSession.HOURS`.
    """

    __tablename__ = "class_session"
    HOURS = 10

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    class_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("training_class.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    opened_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    training_class: Mapped[TrainingClass] = relationship()
