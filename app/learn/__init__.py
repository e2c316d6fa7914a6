"""The learner's way: levels, lessons with questions answered in place, tests, own progress."""

from . import offline  # noqa: F401  (its routes join the blueprint)
from .views import bp

__all__ = ["bp"]
