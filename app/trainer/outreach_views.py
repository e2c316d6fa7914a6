"""Trainer pages for reaching residents: a class's poster, the venue facts of a village."""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.roles import visible_villages
from ..i18n import LANGUAGES, current_language
from ..models import InternetKind
from ..outreach import posters, schedule, venues
from .class_views import _class_or_404
from .views import bp


@bp.get("/classes/<class_id>/poster")
def class_poster(class_id: str):
    cls = _class_or_404(class_id)
    asked = request.args.get("lang", "")
    lang = asked if asked in LANGUAGES else current_language()
    problem = schedule.poster_problem(cls)
    if problem:
        return render_template("outreach/poster_problem.html", cls=cls, problem=problem), 409
    poster = posters.make_poster(cls, lang)
    with force_locale(lang):  # the whole poster in its language, whatever the trainer's pages are in
        return render_template("outreach/poster.html", p=poster)


@bp.get("/venues")
def venue_list():
    shown = visible_villages(current_user)
    return render_template("outreach/venues.html", villages=shown, venues=venues.venues_of(v.id for v in shown))


@bp.route("/venues/<village_id>", methods=["GET", "POST"])
def venue_edit(village_id: str):
    village = venues.village_for(current_user, village_id)
    if village is None:
        abort(404)
    errors: dict = {}
    form: Mapping[str, str]
    if request.method == "POST":
        saved, errors = venues.save_venue(village, request.form)
        if saved is not None:
            flash(_("The venue facts of %(village)s are saved.", village=village.name(current_language())), "info")
            return redirect(url_for("trainer.venue_list"))
        form = request.form
    else:
        form = _as_form(venues.venues_of([village.id]).get(village.id))
    return render_template("outreach/venue_form.html", village=village, errors=errors, form=form,
                           kinds=list(InternetKind)), (400 if errors else 200)


def _as_form(venue) -> dict:
    """The stored facts as the form's fields."""
    if venue is None:
        return {}
    number = ("" if venue.internet_mbps is None else f"{venue.internet_mbps:g}")
    return {"place": venue.place, "computers": "" if venue.computers is None else str(venue.computers),
            "projector": {True: "yes", False: "no"}.get(venue.projector, ""), "internet": venue.internet or "",
            "internet_mbps": number, "internet_measured": "measured" if venue.internet_measured else "reported",
            "contact": venue.contact, "notes": venue.notes,
            "checked_on": venue.checked_on.isoformat() if venue.checked_on else ""}
