"""Server-side login sessions: begin one at sign-in, end it at sign-out, "I'm done", a new PIN
or when the trainer closes the class session. The caller commits."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from ..extensions import db
from ..models import LoginSession, User


def begin(user: User, class_session_id: uuid.UUID | None = None) -> LoginSession:
    found = LoginSession(id=secrets.token_urlsafe(32), user_id=user.id, class_session_id=class_session_id)
    db.session.add(found)
    user.login_session_id = found.id  # type: ignore[assignment]  # a plain attribute, not a column
    return found


# Built once: building a statement costs more than running this one.
_USER_OF_OPEN_SESSION = (db.select(User).join(LoginSession, LoginSession.user_id == User.id)
                         .where(LoginSession.id == db.bindparam("session_id"), LoginSession.ended_at.is_(None)))


def user_of(session_id: str | None) -> User | None:
    """The signed-in user of an open login session (None for an ended or unknown one).

    Asked on every request of a signed-in person: one query, not one per table.
    """
    if not session_id:
        return None
    user = db.session.scalar(_USER_OF_OPEN_SESSION, {"session_id": session_id})
    if user is None:
        return None
    user.login_session_id = session_id  # a plain attribute, not a column
    return user


def _end(*conditions) -> None:
    db.session.execute(db.update(LoginSession).where(LoginSession.ended_at.is_(None), *conditions)
                       .values(ended_at=datetime.now(UTC)))


def end(session_id: str | None) -> None:
    if session_id:
        _end(LoginSession.id == session_id)


def end_all_of(user: User) -> None:
    """Every session of `user`, e.g. after a new PIN: whoever knew the old one is signed out."""
    _end(LoginSession.user_id == user.id)


def end_for_class_sessions(class_session_ids: Iterable[uuid.UUID]) -> None:
    ids = list(class_session_ids)
    if ids:
        _end(LoginSession.class_session_id.in_(ids))
