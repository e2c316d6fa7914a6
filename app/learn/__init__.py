"""The learner's way: levels, lessons with questions answered in place, tests, own progress."""

from .views import bp

__all__ = ["bp"]
