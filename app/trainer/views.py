"""Trainer pages. Every query is limited to the trainer's villages (`visible_villages`)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from .. import backup
from ..auth import accounts
from ..auth.roles import guard_blueprint, learner_visible_to, visible_villages
from ..course import get_course
from ..extensions import db
from ..i18n import alphabetical
from ..models import Role, User, get_by_id
from ..people import merge_links
from ..progress import record, summaries, summary
from . import classes

bp = Blueprint("trainer", __name__)
guard_blueprint(bp, Role.TRAINER, Role.COORDINATOR)


def _learner_or_404(learner_id: str) -> User:
    learner = get_by_id(User, learner_id)
    if not learner_visible_to(current_user, learner):
        abort(404)  # not 403: do not even confirm that the account exists
    return learner


@bp.get("/")
def home():
    villages = visible_villages(current_user)
    joined = merge_links()  # accounts joined to another one (app/people.py) are not listed again
    learners = sorted((lr for lr in db.session.scalars(
        db.select(User).where(User.role == Role.LEARNER, User.village_id.in_([v.id for v in villages]))
    ) if lr.id not in joined), key=lambda lr: alphabetical(lr.name))
    course = get_course()
    # Lessons mastered, from the progress summaries: one query, no events read.
    found = summaries.of_villages([v.id for v in villages], joined)
    rows = [(lr, [summary.level_progress_of(level, found[lr.id], lr.id) for level in course.levels]) for lr in learners]
    shown = classes.visible_classes(current_user)
    return render_template("trainer/home.html", villages=villages, rows=rows, levels=course.levels,
                           classes=shown, class_sizes=classes.class_sizes(shown),
                           backup_offered=backup.is_sqlite_file(), may_backup=backup.may_download(current_user))


@bp.get("/learner/<learner_id>")
def learner(learner_id: str):
    person = _learner_or_404(learner_id)
    course = get_course()
    levels = summary.course_progress_of(course, summaries.of_person(person), person.id)
    surveys = [(s, record.survey_answers(person, s.id) is not None) for s in course.surveys.values()]
    return render_template("trainer/learner.html", person=person, levels=levels, surveys=surveys)


@bp.post("/learner/<learner_id>/code")
def new_code(learner_id: str):
    person = _learner_or_404(learner_id)
    code = accounts.new_code(person)
    return render_template("trainer/new_code.html", person=person, code=code, elsewhere=accounts.kept_elsewhere(person))


@bp.post("/learner/<learner_id>/pin")
def reset_pin(learner_id: str):
    person = _learner_or_404(learner_id)
    pin = accounts.reset_pin(person)
    return render_template("trainer/new_pin.html", person=person, pin=pin, elsewhere=accounts.kept_elsewhere(person))
