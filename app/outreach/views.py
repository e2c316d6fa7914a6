"""The public class schedule: open to anyone, no sign-in, no learner's name or count of people."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..course import get_course
from ..i18n import current_language
from . import schedule

bp = Blueprint("outreach", __name__)


@bp.get("/classes")
def classes():
    lang = current_language()
    return render_template("outreach/schedule.html", groups=schedule.schedule(lang), course=get_course())
