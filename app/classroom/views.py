"""Name tiles for the class opened on this computer. Learners' names are shown only here, on a
computer where a trainer opened the class (it holds the class session's secret cookie)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, has_request_context, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import accounts
from ..auth.views import sign_in_limits, sign_out, start_session
from ..models import User, get_by_id
from ..trainer.classes import CLASS_COOKIE, session_by_token
from .tiles import name_tiles

bp = Blueprint("classroom", __name__)


def current_class_session():
    return session_by_token(request.cookies.get(CLASS_COOKIE))


@bp.get("/")
def tiles():
    opened = current_class_session()
    if opened is None:
        response = current_app.make_response(render_template("classroom/closed.html"))
        response.delete_cookie(CLASS_COOKIE)
        return response
    return render_template("classroom/tiles.html", cls=opened.training_class,
                           tiles=name_tiles(opened.training_class.learners))


def _tile_key() -> str:
    """The same key as the sign-in form's: the learner's login code, however the id is spelt."""
    learner = get_by_id(User, (request.view_args or {}).get("learner_id"))
    return "learner:" + (learner.login_code if learner else "?")


@bp.route("/<learner_id>", methods=["GET", "POST"])
@sign_in_limits(_tile_key, "learner-pin")
def pin(learner_id: str):
    opened = current_class_session()
    if opened is None:
        return redirect(url_for("classroom.tiles"))
    learner = get_by_id(User, learner_id)
    if learner is None or not learner.active or learner not in opened.training_class.learners:
        abort(404)
    error = None
    if request.method == "POST":
        user = accounts.check_learner(learner.login_code, request.form.get("pin", ""))
        if user is not None:
            start_session(user, class_session_id=opened.id)
            session["class_token"] = opened.token  # "I'm done" brings the next person back to the tiles
            return redirect(url_for("learn.home"))
        error = _("The PIN is wrong. Try again, or ask your trainer.")
    return render_template("classroom/pin.html", learner=learner, error=error), (401 if error else 200)


@bp.app_context_processor
def start_page():
    """Where the logo and the error pages lead: on a class computer where nobody is signed in,
    back to the name tiles (the next learner starts there); else the start page, which sends a
    signed-in person to their own home (a learner must sign out with "I'm done", not leave).
    Outside a request (the report file made by `flask report`) there is no start page."""
    if not has_request_context():
        return {}
    on_class_computer = bool(request.cookies.get(CLASS_COOKIE) or session.get("class_token"))
    tiles = on_class_computer and not current_user.is_authenticated
    return {"start_url": url_for("classroom.tiles") if tiles else url_for("auth.index"),
            "in_class_session": bool(session.get("class_token"))}


@bp.before_app_request
def end_closed_class_sessions():
    """A learner signed in through a class session is signed out when the trainer closes it."""
    token = session.get("class_token")
    if token and session_by_token(token) is None:
        sign_out()
        session.clear()
        return redirect(url_for("classroom.tiles"))
    return None
