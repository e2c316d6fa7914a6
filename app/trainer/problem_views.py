"""The problem log's pages; the rules and writes are in `problems`."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.roles import visible_villages
from . import problems as problem_log
from .problems import CATEGORY_LABELS, STATUS_LABELS
from .views import bp


@bp.route("/problems", methods=["GET", "POST"])
def problems():
    errors: dict = {}
    if request.method == "POST":
        saved, errors = problem_log.report_problem(current_user, request.form)
        if saved is not None:
            flash(_("The problem is saved."), "info")
            return redirect(url_for("trainer.problems"))
    villages = visible_villages(current_user)
    return render_template("trainer/problems.html", villages=villages, problems=problem_log.problems_in(villages),
                           errors=errors, form=request.form, categories=CATEGORY_LABELS, statuses=STATUS_LABELS,
                           today=date.today().isoformat()), (400 if errors else 200)


@bp.post("/problems/<problem_id>/status")
def problem_status(problem_id: str):
    problem = problem_log.problem_for(current_user, problem_id)
    if problem is None:
        abort(404)
    if not problem_log.set_status(problem, request.form.get("status"), request.form.get("solution")):
        abort(400)
    return redirect(url_for("trainer.problems") + f"#p-{problem.id}")
