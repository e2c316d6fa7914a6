"""Accounts: learners sign in with a login code and a PIN, staff with a username and password."""

import enum
import hashlib
import uuid
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import Column, DateTime, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .places import Village


class Role(enum.StrEnum):
    LEARNER = "learner"
    TRAINER = "trainer"
    COORDINATOR = "coordinator"  # akimat staff: sees the whole district


trainer_villages = Table(
    "trainer_village",
    db.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("village_id", ForeignKey("village.id", ondelete="CASCADE"), primary_key=True),
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class User(UserMixin, db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    # Learners: a short code printed on their card or chosen at registration (stored lower-case).
    login_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    # Trainers and coordinators.
    username: Mapped[str | None] = mapped_column(String(60), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(255))  # hashed PIN or password
    village_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("village.id"))
    language: Mapped[str] = mapped_column(String(2), default="kk")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)
    # Sync (docs/sync.md): the one server that changes this record, and the number of its
    # current version in that server's change sequence. Stamped by app/sync/stamp.py.
    home: Mapped[uuid.UUID] = mapped_column()
    seq: Mapped[int] = mapped_column()

    village: Mapped[Village | None] = relationship()
    villages: Mapped[list[Village]] = relationship(secondary=trainer_villages)  # trainers

    def set_secret(self, secret: str) -> None:
        self.secret_hash = generate_password_hash(secret)

    def get_id(self) -> str:
        """The id kept in the session, tied to the current PIN or password: a new PIN (given
        by a trainer) ends every session signed in with the old one."""
        return f"{self.id}.{self.secret_stamp}"

    @property
    def secret_stamp(self) -> str:
        return hashlib.sha256(self.secret_hash.encode()).hexdigest()[:16]

    def check_secret(self, secret: str) -> bool:
        return check_password_hash(self.secret_hash, secret)

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive accounts cannot sign in
        return self.active

