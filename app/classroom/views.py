"""Name tiles for the class opened on this computer. Learners' names are shown only here, on a
computer where a trainer opened the class (it holds the class session's secret cookie)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from ..auth import accounts
from ..auth.views import sign_in_limits, sign_out, start_session
from ..models import User, get_by_id
from ..trainer.class_views import CLASS_COOKIE
from ..trainer.classes import session_by_token

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
    return render_template("classroom/tiles.html", cls=opened.training_class)


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



@bp.before_app_request
def end_closed_class_sessions():
    """A learner signed in through a class session is signed out when the trainer closes it."""
    token = session.get("class_token")
    if token and session_by_token(token) is None:
        sign_out()
        session.clear()
        return redirect(url_for("classroom.tiles"))
    return None
