"""Sign in (learners: login code + PIN; staff: username + password), register, sign out,
choose the language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_user, logout_user

from ..extensions import db, limiter
from ..i18n import LANGUAGES
from ..models import Role, Village
from . import accounts

bp = Blueprint("auth", __name__)


def _home_for(user) -> str:
    if user.role == Role.TRAINER:
        return url_for("trainer.home")
    if user.role == Role.COORDINATOR:
        return url_for("district.home")
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


def _account_key() -> str:
    return "account:" + accounts.normalise_code(request.form.get("code") or request.form.get("username") or "")


def _start_session(user) -> None:
    chosen = session.get("lang") if session.get("lang_chosen") else None
    session.clear()
    login_user(user)
    session.permanent = True  # ends after SESSION_IDLE_MINUTES without a request
    if chosen in LANGUAGES and chosen != user.language:
        # The language the person chose on the sign-in page wins, and is remembered.
        user.language = chosen
        db.session.commit()
    session["lang"] = user.language


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    return render_template("auth/index.html")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_failed)
def login():
    error = None
    if request.method == "POST":
        user = accounts.check_learner(request.form.get("code", ""), request.form.get("pin", ""))
        if user is not None:
            _start_session(user)
            return redirect(_safe_next(request.args.get("next")) or _home_for(user))
        error = _("The login code or the PIN is wrong. Check them and try again.")
    status = 401 if error else 200
    return render_template("auth/login.html", error=error, code=request.form.get("code", "")), status


@bp.route("/staff/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_failed)
def staff_login():
    error = None
    if request.method == "POST":
        user = accounts.check_staff(request.form.get("username", ""), request.form.get("password", ""))
        if user is not None:
            _start_session(user)
            return redirect(_safe_next(request.args.get("next")) or _home_for(user))
        error = _("The username or the password is wrong.")
    status = 401 if error else 200
    return render_template("auth/staff_login.html", error=error,
                           username=request.form.get("username", "")), status


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register():
    villages = db.session.scalars(db.select(Village).order_by(Village.name_kk)).all()
    errors: dict = {}
    if request.method == "POST":
        form = request.form
        user, errors = accounts.register_learner(
            form.get("name", ""), form.get("village", ""), form.get("code", ""), form.get("pin", ""),
            form.get("pin_again", ""), session.get("lang") or "kk", form.get("consent") == "yes")
        if user is not None:
            _start_session(user)
            return render_template("auth/registered.html", code=user.login_code)
    return render_template("auth/register.html", villages=villages, errors=errors, form=request.form), \
        (400 if errors else 200)


@bp.post("/logout")
def logout():
    lang, in_class = session.get("lang"), session.get("class_token")
    logout_user()
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
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.language = lang
            db.session.commit()
        else:
            session["lang_chosen"] = True  # chosen before signing in: kept for the account
        refresh()
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.index"))


@bp.get("/ping")
def ping():
    """Keeps a session alive while the learner reads (called by the page script on activity)."""
    return "", 204
