"""The public class schedule: open to anyone, no sign-in, no learner's name or count of people."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..course import get_course
from ..i18n import current_language
from . import posters, schedule

bp = Blueprint("outreach", __name__)


@bp.app_template_filter("class_days")
def class_days(cls) -> str:
    """A class's days as people say them: "Sunday, 13 December – Monday, 14 December"."""
    return posters.dates_text(cls.day1, cls.day2)


@bp.get("/classes")
def classes():
    lang = current_language()
    return render_template("outreach/schedule.html", groups=schedule.schedule(lang), course=get_course())
