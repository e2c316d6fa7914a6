"""Database tables: places (villages), people (accounts) and events (what learners do).

Progress is never stored as mutable state: it is derived from the immutable `Event` rows.
"""

from .classes import Attendance, ClassSession, TrainingClass, class_learners
from .events import Event
from .people import Role, User, trainer_villages
from .places import Village
from .problems import ProblemCategory, ProblemStatus, VillageProblem

__all__ = ["Attendance", "ClassSession", "Event", "ProblemCategory", "ProblemStatus", "Role", "TrainingClass",
           "User", "Village", "VillageProblem", "class_learners", "trainer_villages"]
