"""Trainers: classes in their own villages, learners and progress, surveys, problems found."""

from . import backup_views, class_views, outreach_views, practice_views, problem_views, sheets, survey_views  # noqa: F401  (routes on bp)
from .views import bp

__all__ = ["bp"]
