"""Accounts: learners sign in with a login code and a PIN, staff with a username and password."""

import enum
import uuid
from datetime import UTC, datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Table
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


STRONG_HASH_METHOD = "scrypt"  # werkzeug's default: memory-hard, slow on purpose


def hash_secret(secret: str) -> str:
    """Hash a PIN or password with the configured method (scrypt unless a test chose otherwise)."""
    method = current_app.config.get("SECRET_HASH_METHOD", STRONG_HASH_METHOD) if has_app_context() \
        else STRONG_HASH_METHOD
    return generate_password_hash(secret, method=method)


def utcnow() -> datetime:
    return datetime.now(UTC)


class User(UserMixin, db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL
    __table_args__ = (Index("ix_user_account_village", "village_id"),)  # a village's learners (the reports)

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
        self.secret_hash = hash_secret(secret)

    # The server-side login session this request runs in (auth/login_sessions.py), not a column.
    login_session_id = None  # a str set by auth.login_sessions (not a column, so no annotation)

    def get_id(self) -> str:
        """What the session cookie keeps: the login session's random id, never the user's id,
        so that signing out (or a new PIN) can end that session on the server."""
        if not self.login_session_id:
            raise RuntimeError("begin a login session (auth.login_sessions.begin) before login_user")
        return self.login_session_id

    def __eq__(self, other):  # Flask-Login's UserMixin compares get_id(): the same person is the same id
        return isinstance(other, User) and self.id is not None and self.id == other.id

    def __ne__(self, other):
        return not self == other

    __hash__ = UserMixin.__hash__  # as before (defining __eq__ would otherwise change it)

    def check_secret(self, secret: str) -> bool:
        return check_password_hash(self.secret_hash, secret)

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive accounts cannot sign in
        return self.active

