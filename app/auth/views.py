"""Sign in (learners: login code + PIN; staff: username + password), register, sign out,
choose the language."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..course import get_course
from ..extensions import db, limiter
from ..i18n import LANGUAGES, alphabetical, current_language, set_language
from ..models import Role, Village
from ..outreach import schedule
from ..sync import stamp
from . import accounts, login_sessions

bp = Blueprint("auth", __name__)


def _home_for(user) -> str:
    if user.role == Role.TRAINER:
        return url_for("trainer.home")
    if user.role == Role.COORDINATOR:
        return url_for("reports.district")  # the akimat comes for the figures; villages are a link away
    return url_for("learn.home")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (no other host) may be a redirect target."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _failed(response) -> bool:
    return response.status_code == 401


def learner_key() -> str:
    return "learner:" + accounts.normalise_code(request.form.get("code", ""))


def _staff_key() -> str:
    return "staff:" + (request.form.get("username") or "").strip().lower()


def sign_in_limits(key_func, scope: str):
    """Wrong tries are limited per account and per address; right ones are not counted.

    Routes that sign in the same kind of account share a `scope`, so the tries add up
    (a learner's PIN on the sign-in form and on a class-session tile).
    """
    def decorate(view):
        view = limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], scope, methods=["POST"],
                                    key_func=key_func, deduct_when=_failed)(view)
        return limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
                             deduct_when=_failed)(view)
    return decorate


def _sign_in_page(template: str, check, fields: tuple[str, str], error_text: str):
    """The body shared by both sign-in forms."""
    error = None
    if request.method == "POST":
        user = check(request.form.get(fields[0], ""), request.form.get(fields[1], ""))
        if user is not None:
            start_session(user)
            return redirect(_safe_next(request.args.get("next")) or _home_for(user))
        error = error_text
    return render_template(template, error=error, typed=request.form.get(fields[0], "")), (401 if error else 200)


def start_session(user, class_session_id=None) -> None:
    chosen = session.get("lang") if session.get("lang_chosen") else None
    session.clear()
    login_sessions.begin(user, class_session_id)
    db.session.commit()
    login_user(user)
    session.permanent = True  # ends after SESSION_IDLE_MINUTES without a request
    if chosen in LANGUAGES and chosen != user.language and stamp.is_home(user):
        # The language the person chose on the sign-in page wins, and is remembered (by the
        # account's home server; elsewhere for this session only).
        user.language = chosen
        db.session.commit()
    session["lang"] = chosen if chosen in LANGUAGES else user.language


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    return render_template("auth/index.html")


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits(learner_key, "learner-pin")
def login():
    return _sign_in_page("auth/login.html", accounts.check_learner, ("code", "pin"),
                         _("The login code or the PIN is wrong. Check them and try again."))


@bp.route("/staff/login", methods=["GET", "POST"])
@sign_in_limits(_staff_key, "staff-password")
def staff_login():
    return _sign_in_page("auth/staff_login.html", accounts.check_staff, ("username", "password"),
                         _("The username or the password is wrong."))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("100 per hour", methods=["POST"])  # a whole class may register from one centre
def register():
    """Registration; `?class=<id>` (a poster's QR code) registers for that class too. An unknown,
    malformed or finished class gives the plain form; `?lang=` opens it in the poster's language."""
    if request.method == "GET" and request.args.get("lang") in LANGUAGES and not session.get("lang_chosen"):
        set_language(request.args["lang"])
    joining = schedule.open_class(request.args.get("class"))
    villages = sorted(db.session.scalars(db.select(Village)), key=lambda v: alphabetical(v.name(current_language())))
    errors: dict = {}
    form: Mapping[str, str] = request.form
    if request.method == "POST":
        user, errors = accounts.register_learner(
            form.get("name", ""), form.get("village", ""), form.get("code", ""), form.get("pin", ""),
            form.get("pin_again", ""), session.get("lang") or "kk", form.get("consent") == "yes", join=joining)
        if user is not None:
            start_session(user)
            if joining is not None:
                flash(_joined_text(joining, user), "info")
            return redirect(url_for("learn.welcome"))  # a reload must not send the form again
    elif joining is not None:
        form = {"village": str(joining.village_id)}  # the class's village, chosen already
    return render_template("auth/register.html", villages=villages, errors=errors, form=form, joining=joining,
                           level=get_course().level(joining.level) if joining else None), (400 if errors else 200)


def _joined_text(cls, user) -> str:
    if user in cls.learners:
        return _("You are registered for the class on %(date)s: %(venue)s.", date=format_date(cls.day1, "long"),
                 venue=cls.venue)
    return _("Your account is ready. At the class, tell the trainer your login code: %(code)s.", code=user.login_code)


def sign_out() -> None:
    """End the login session on the server (a copied cookie is worthless after) and here."""
    if current_user.is_authenticated:
        login_sessions.end(current_user.login_session_id)
        db.session.commit()
    logout_user()


@bp.post("/logout")
def logout():
    lang, in_class = session.get("lang"), session.get("class_token")
    sign_out()
    session.clear()
    if lang:
        session["lang"] = lang  # the next person at this computer keeps the language
    flash(_("You are signed out. Thank you!"), "info")
    # In a class session, the next learner picks their name on the tiles.
    return redirect(url_for("classroom.tiles") if in_class else url_for("auth.index"))


@bp.post("/language")
def language():
    lang = request.form.get("lang")
    if lang in LANGUAGES:
        set_language(lang)
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.index"))


@bp.get("/ping")
def ping():
    """Keeps a session alive while the learner reads (called by the page script on activity)."""
    return "", 204
