"""A record of each sign-in on the server, so that signing out ends it for good.

The session cookie carries only `LoginSession.id` (random). A copy of the cookie taken before
"sign out" (on a shared PC, or read off a plain-HTTP village network) is worthless afterwards:
the user loader refuses an ended or unknown id.
"""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .people import utcnow


class LoginSession(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # secrets.token_urlsafe(32)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # Set when the person signed in on a class computer: closing the class session ends it.
    class_session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("class_session.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
