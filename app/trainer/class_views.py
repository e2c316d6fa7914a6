"""Trainer pages for classes: open, register learners, cards, attendance, class sessions."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.roles import visible_villages
from ..auth.views import learner_key, sign_in_limits, sign_out
from ..classroom.tiles import twins
from ..course import get_course
from ..progress import class_view, derive, summaries
from . import classes
from .views import bp


def _class_or_404(class_id: str):
    cls = classes.class_for(current_user, class_id)
    if cls is None:
        abort(404)
    return cls


@bp.app_template_filter("lesson_number")
def lesson_number(lesson_id: str, level) -> int:
    return level.lesson_index(lesson_id) + 1


@bp.route("/classes/new", methods=["GET", "POST"])
def class_new():
    course = get_course()
    errors: dict = {}
    if request.method == "POST":
        cls, errors = classes.create_class(current_user, request.form, [lv.id for lv in course.levels])
        if cls is not None:
            return redirect(url_for("trainer.class_page", class_id=cls.id))
    return render_template("trainer/class_new.html", villages=visible_villages(current_user), levels=course.levels,
                           errors=errors, form=request.form), (400 if errors else 200)


@bp.get("/classes/<class_id>")
def class_page(class_id: str):
    cls = _class_or_404(class_id)
    level = get_course().level(cls.level)  # None if the level left the course: the roster still works
    learners = classes.roster(cls)
    # the learners' progress summaries of this level: one query, no events read
    items = derive.progress_items(level) if level else []
    found = summaries.of_learners([lr.id for lr in learners], items) if level else {}
    return render_template(
        "trainer/class.html", cls=cls, level=level, learners=learners, twins=twins(learners),
        rows=class_view.class_rows(level, learners, found) if level else [],
        hardest=class_view.hardest_questions(level, found) if level else [],
        hardest_steps=class_view.hardest_steps(level, found) if level else [],
        present=classes.attendance_of(cls),
        refresh_seconds=current_app.config["CLASS_GRID_REFRESH_SECONDS"],
    )


@bp.post("/classes/<class_id>/learners")
@sign_in_limits(learner_key, "learner-pin")  # a wrong PIN to confirm a move counts as a wrong sign-in
def class_add_learner(class_id: str):
    cls = _class_or_404(class_id)
    created, error = classes.add_learner(cls, request.form.get("name", ""), request.form.get("code", ""),
                                         request.form.get("language", "kk"), trainer=current_user,
                                         move=request.form.get("move") == "yes", pin=request.form.get("pin", ""))
    if isinstance(error, classes.MoveAsked):  # a learner of another village: their PIN first
        # a wrong PIN is a 401, counted with the learner's sign-in tries (the limits below)
        return render_template("trainer/move_confirm.html", cls=cls, asked=error, form=request.form), \
            (401 if error.wrong_pin else 200)
    if error:
        flash(error, "error")
        return redirect(url_for("trainer.class_page", class_id=cls.id) + "#register")
    return render_template("trainer/cards.html", cls=cls, cards=[created], just_registered=True)


@bp.post("/classes/<class_id>/import")
def class_import(class_id: str):
    cls = _class_or_404(class_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a CSV file first."), "error")
        return redirect(url_for("trainer.class_page", class_id=cls.id) + "#register")
    created, problems = classes.import_learners(cls, upload.read())
    if problems:
        return render_template("trainer/import_problems.html", cls=cls, problems=problems), 400
    return render_template("trainer/cards.html", cls=cls, cards=created, just_registered=True)


@bp.post("/classes/<class_id>/cards")
def class_cards(class_id: str):
    """Sign-in sheets for the chosen learners: again with the same PIN, or (once confirmed) new PINs."""
    cls = _class_or_404(class_id)
    learners = classes.chosen_learners(cls, request.form.getlist("learner"), request.form.get("everyone") == "yes")
    new_pins = request.form.get("pins") == "new"
    if not learners:
        flash(_("Choose the learners first."), "error")
        return redirect(url_for("trainer.class_page", class_id=cls.id) + "#sheets")
    if new_pins and request.form.get("confirm") != "yes":
        return render_template("trainer/cards_confirm.html", cls=cls, learners=learners)
    return render_template("trainer/cards.html", cls=cls, cards=classes.sheets(learners, new_pins), just_registered=False)


@bp.post("/classes/<class_id>/attendance")
def class_attendance(class_id: str):
    cls = _class_or_404(class_id)
    present = set()
    for value in request.form.getlist("present"):
        uid, _sep, day = value.rpartition(":")
        if day in ("1", "2"):
            present.add((uid, int(day)))
    classes.set_attendance(cls, present)
    flash(_("Attendance saved."), "here")  # shown beside the form, where the trainer is
    return redirect(url_for("trainer.class_page", class_id=cls.id) + "#attendance")


@bp.post("/classes/<class_id>/session/open")
def class_session_open(class_id: str):
    """Turn this computer into the class's sign-in point: the trainer is signed out here."""
    cls = _class_or_404(class_id)
    opened = classes.open_session(cls, current_user)
    sign_out()
    response = redirect(url_for("classroom.tiles"))
    response.set_cookie(classes.CLASS_COOKIE, opened.token, max_age=opened.HOURS * 3600, httponly=True, samesite="Lax",
                        secure=request.is_secure)
    return response


@bp.post("/classes/<class_id>/session/close")
def class_session_close(class_id: str):
    cls = _class_or_404(class_id)
    closed = classes.close_sessions(cls)
    flash(_("Class session closed.") if closed else _("No class session was open."), "info")
    return redirect(url_for("trainer.class_page", class_id=cls.id))
