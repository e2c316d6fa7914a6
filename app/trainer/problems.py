"""The problem log: what trainers find in their villages, and what to do about it. Validation,
reads and writes; no request objects here (the views in `problem_views` parse and render)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from ..auth.roles import visible_villages
from ..csv_import import clean_text
from ..extensions import db
from ..models import ProblemCategory, ProblemStatus, User, Village, VillageProblem, get_by_id

TEXT_MAX = 4000  # letters kept of a description or a proposed solution (a long paragraph)
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


def problems_in(villages: list[Village]) -> list[VillageProblem]:
    """The problems of these villages, the latest found first."""
    return list(db.session.scalars(
        db.select(VillageProblem).where(VillageProblem.village_id.in_([v.id for v in villages]))
        .order_by(VillageProblem.found_on.desc())))


def _validate(form, villages: list[Village]) -> tuple[dict, dict]:
    errors: dict[str, object] = {}
    values: dict[str, Any] = {}
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
    values["description"] = clean_text(form.get("description"), TEXT_MAX)
    if len(values["description"]) < 5:
        errors["description"] = _l("Describe the problem in a few words.")
    values["solution"] = clean_text(form.get("solution"), TEXT_MAX)
    return values, errors


def report_problem(user: User, form) -> tuple[VillageProblem | None, dict]:
    """Log a problem in one of the user's villages: (problem, {}) or (None, {field: message})."""
    values, errors = _validate(form, visible_villages(user))
    if errors:
        return None, errors
    problem = VillageProblem(village=values["village"], category=values["category"], found_on=values["found_on"],
                             description=values["description"], solution=values["solution"], reported_by=user.id)
    db.session.add(problem)
    db.session.commit()
    return problem, {}


def problem_for(user: User, problem_id: str) -> VillageProblem | None:
    """The problem, if `user` may see it (else None, for a 404)."""
    problem = get_by_id(VillageProblem, problem_id)
    if problem is None or problem.village_id not in {v.id for v in visible_villages(user)}:
        return None
    return problem


def set_status(problem: VillageProblem, status: str | None, solution: str | None) -> bool:
    """Change a problem's status (and its proposed solution, when one is given); False for an
    unknown status."""
    if status not in set(ProblemStatus):
        return False
    problem.status = status
    solution = clean_text(solution, TEXT_MAX)
    if solution:
        problem.solution = solution
    db.session.commit()
    return True
