"""Trainers: the learners of their own villages, their progress, PIN resets."""

from .views import bp

__all__ = ["bp"]
