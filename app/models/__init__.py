"""Database tables: places (villages), people (accounts) and events (what learners do).

Progress is derived from the immutable `Event` rows; `ProgressItem`/`ProgressLearner` are
summaries of them (projections, rebuilt from the events at will).
"""

from .classes import Attendance, ClassSession, TrainingClass, class_learners
from .events import Event
from .login_sessions import LoginSession
from .people import Role, User, trainer_villages
from .places import Village
from .problems import ProblemCategory, ProblemStatus, VillageProblem
from .summaries import ProgressItem, ProgressLearner, ReportLearner, ReportLevel
from .sync import ChangeRequest, SyncAttempt, SyncCounter, SyncLock, SyncNode, SyncPeerVector, SyncVector, node_villages
from .venues import InternetKind, Venue


def get_by_id(model, text: str | None):
    """The row whose UUID is `text`, or None for a missing row or a malformed id (a 404, not a 500)."""
    import uuid

    from ..extensions import db

    try:
        return db.session.get(model, uuid.UUID(text or ""))
    except ValueError:
        return None


__all__ = ["get_by_id", "Attendance", "ClassSession", "Event", "LoginSession", "ProblemCategory", "ProblemStatus",
           "ProgressItem", "ProgressLearner", "ReportLearner", "ReportLevel", "Role",
           "TrainingClass", "User", "Venue", "InternetKind", "Village", "VillageProblem", "class_learners", "trainer_villages",
           "ChangeRequest", "SyncAttempt", "SyncCounter", "SyncLock", "SyncNode", "SyncPeerVector", "SyncVector", "node_villages"]
