"""Coordinator pages (the akimat): villages and their residents; the reports are in `reports`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import people
from ..auth.roles import guard_blueprint, visible_villages
from ..models import Role, Village, get_by_id
from ..reports.queries import learner_counts
from . import trainers as trainer_service
from . import villages as village_service

bp = Blueprint("district", __name__)
guard_blueprint(bp, Role.COORDINATOR)
bp.add_app_template_filter(village_service.source_note, "source_note")


@bp.get("/")
def home():
    villages = visible_villages(current_user)
    counts = learner_counts([v.id for v in villages])
    return render_template("district/home.html", rows=[(v, counts.get(v.id, 0)) for v in villages])


@bp.post("/villages/<village_id>")
def village_edit(village_id: str):
    village = get_by_id(Village, village_id)
    if village is None:
        abort(404)
    error = village_service.update(village, request.form)
    flash(error or _("Saved."), "error" if error else "info")
    return redirect(url_for("district.home") + f"#v-{village.id}")


@bp.post("/villages/import")
def village_import():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a CSV file first."), "error")
        return redirect(url_for("district.home"))
    count, problems = village_service.import_csv(upload.read())
    if problems:
        return render_template("trainer/import_problems.html", problems=problems,
                               back=url_for("district.home")), 400
    flash(_("%(n)d villages imported or updated.", n=count), "info")
    return redirect(url_for("district.home"))


@bp.get("/trainers")
def trainers():
    return render_template("district/trainers.html", trainers=trainer_service.all_trainers(),
                           villages=visible_villages(current_user))


@bp.post("/trainers")
def trainer_create():
    """A new trainer account with a generated password, shown once to pass on in person."""
    trainer, password = trainer_service.create_trainer(request.form.get("username", ""), request.form.get("name", ""))
    if trainer is None:
        flash(_("Choose another username: 3 to 60 Latin letters or digits, not taken yet."), "error")
        return redirect(url_for("district.trainers"))
    return render_template("district/trainer_created.html", trainer=trainer, password=password)


@bp.post("/trainers/<trainer_id>/villages")
def trainer_villages(trainer_id: str):
    trainer = trainer_service.set_villages(current_user, trainer_id, set(request.form.getlist("village")))
    if trainer is None:
        abort(404)
    flash(_("Saved."), "info")
    return redirect(url_for("district.trainers") + f"#t-{trainer.id}")


@bp.get("/duplicates")
def duplicates():
    """Learners who may have two accounts (same name, folded): to check with them, then merge."""
    return render_template("district/duplicates.html", groups=people.likely_duplicates(visible_villages(current_user)))


@bp.get("/duplicates/confirm")
def duplicates_confirm():
    keep, drops = people.merge_plan(visible_villages(current_user), request.args.get("keep", ""),
                                    request.args.getlist("drop"))
    if keep is None:
        abort(404)
    return render_template("district/merge_confirm.html", keep=keep, drops=drops)


@bp.post("/duplicates/merge")
def duplicates_merge():
    keep, drops = people.merge(request.form.get("keep", ""), request.form.getlist("drop"), current_user,
                               visible_villages(current_user))
    if keep is None:
        flash(_("Nothing was merged: those accounts are not there any more, or were merged already."), "error")
    else:
        flash(ngettext("%(num)d account was joined to %(name)s's.", "%(num)d accounts were joined to %(name)s's.",
                       len(drops), name=keep.name), "info")
    return redirect(url_for("district.duplicates"))
