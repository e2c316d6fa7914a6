"""Reaching residents: the public class schedule, posters with a QR code to register for a
class, venue facts per village, and the coverage planner's data (issue #12)."""

from .views import bp

__all__ = ["bp"]
