"""Database tables: places (villages), people (accounts) and events (what learners do).

Progress is never stored as mutable state: it is derived from the immutable `Event` rows.
"""

from .events import Event
from .people import Role, User, trainer_villages
from .places import Village

__all__ = ["Event", "Role", "User", "Village", "trainer_villages"]
