"""The problem log: what trainers find in their villages, and what to do about it."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.roles import visible_villages
from ..csv_import import clean_text
from ..extensions import db
from ..models import ProblemCategory, ProblemStatus, VillageProblem, get_by_id
from .views import bp

CATEGORY_LABELS = {
    ProblemCategory.CONNECTIVITY: _l("Internet connection"),
    ProblemCategory.EQUIPMENT: _l("Computers and equipment"),
    ProblemCategory.SKILLS: _l("Skills"),
    ProblemCategory.DOCUMENTS: _l("Documents (no digital signature, phone number not registered…)"),
    ProblemCategory.LANGUAGE: _l("Language"),
    ProblemCategory.OTHER: _l("Other"),
}
STATUS_LABELS = {
    ProblemStatus.OPEN: _l("Open"),
    ProblemStatus.IN_PROGRESS: _l("Being solved"),
    ProblemStatus.SOLVED: _l("Solved"),
}


def _validate(form, villages) -> tuple[dict, dict]:
    errors, values = {}, {}
    village = {str(v.id): v for v in villages}.get(form.get("village", ""))
    if village is None:
        errors["village"] = _l("Choose one of your villages.")
    values["village"] = village
    if form.get("category") not in set(ProblemCategory):
        errors["category"] = _l("Choose a category.")
    values["category"] = form.get("category")
    try:
        values["found_on"] = date.fromisoformat(form.get("found_on", ""))
    except ValueError:
        errors["found_on"] = _l("Give the date as on a calendar, e.g. 2026-11-30.")
    values["description"] = clean_text(form.get("description"), 4000)
    if len(values["description"]) < 5:
        errors["description"] = _l("Describe the problem in a few words.")
    values["solution"] = clean_text(form.get("solution"), 4000)
    return values, errors


@bp.route("/problems", methods=["GET", "POST"])
def problems():
    villages = visible_villages(current_user)
    errors: dict = {}
    if request.method == "POST":
        values, errors = _validate(request.form, villages)
        if not errors:
            db.session.add(VillageProblem(village=values["village"], category=values["category"],
                                          found_on=values["found_on"], description=values["description"],
                                          solution=values["solution"], reported_by=current_user.id))
            db.session.commit()
            flash(_("The problem is saved."), "info")
            return redirect(url_for("trainer.problems"))
    found = db.session.scalars(
        db.select(VillageProblem).where(VillageProblem.village_id.in_([v.id for v in villages]))
        .order_by(VillageProblem.found_on.desc())).all()
    return render_template("trainer/problems.html", villages=villages, problems=found, errors=errors,
                           form=request.form, categories=CATEGORY_LABELS, statuses=STATUS_LABELS,
                           today=date.today().isoformat()), (400 if errors else 200)


@bp.post("/problems/<problem_id>/status")
def problem_status(problem_id: str):
    problem = get_by_id(VillageProblem, problem_id)
    if problem is None or problem.village_id not in {v.id for v in visible_villages(current_user)}:
        abort(404)
    status = request.form.get("status")
    if status not in set(ProblemStatus):
        abort(400)
    problem.status = status
    solution = clean_text(request.form.get("solution"), 4000)
    if solution:
        problem.solution = solution
    db.session.commit()
    return redirect(url_for("trainer.problems") + f"#p-{problem.id}")
