"""Error pages in the user's language. Never a traceback in a page."""

import logging

from flask import Flask, current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from .database import BUSY, FULL, fault_of

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Something in the form was not right"),
          _l("Nothing was saved. Go back, reload the page and try again.")),
    403: (_l("This page is not for your account"),
          _l("Sign in with an account that may see it, or go back to the start.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist. Go back to the start.")),
    405: (_l("Page not found"), _l("The page you asked for does not exist. Go back to the start.")),
    413: (_l("The file is too large"), _l("Nothing was saved. Try a smaller file.")),
    429: (_l("Too many tries"),
          _l("For your safety, signing in is paused for a while. Wait 15 minutes or ask your trainer.")),
    500: (_l("Something went wrong on our side"),
          _l("Nothing you did caused this. Try again in a minute; if it happens again, tell your trainer.")),
    503: (_l("The server is busy"),
          _l("Your last step was not saved. Wait a few seconds and try again.")),
    507: (_l("The server's disk is full"),
          _l("Your last step was not saved; what was saved before is safe. Tell your trainer: "
             "the server needs free disk space.")),
}
# A record kept by another server (docs/sync.md): it is changed only where it was made.
NOT_HOME = (_l("This is changed on another server"),
            _l("This person or class was registered on a village server. Make the change there; "
               "it reaches this server at the next sync. Nothing was changed here."))
# Also a 503, but not a passing one: the database's schema is missing or behind (schema.py).
NOT_READY = (_l("The site is not ready yet"),
             _l("Its database has not been set up or updated. Tell your trainer: the server's guide "
                "says what to run."))


# What to tell a learner who left part of an answer out (grading.IncompleteAnswer.reason).
INCOMPLETE = {
    "choose": _l("Choose an answer first."),
    "number-steps": _l("Give every step a number."),
    "numbers-once": _l("Use every number only once."),
    "match-all": _l("Choose a match for every line."),
}
NOT_FITTING = _l("This answer does not fit the question. Nothing was saved. Reload the page and try again.")


def _rollback() -> None:
    """A failed write leaves the session unusable (PendingRollbackError on its next query,
    e.g. loading the user for the page's header): end it before any error page."""
    from .extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection itself is gone: the page must still be shown
        log.exception("rollback before an error page failed")


def render_error(status: int, detail: str | None = None, message: tuple | None = None):
    title, text = message or MESSAGES.get(status, MESSAGES[500])
    if request.accept_mimetypes.best == "application/json":
        return {"error": str(title), "detail": str(detail or text)}, status
    try:
        return render_template("error.html", status=status, title=title, text=detail or text), status
    except Exception:  # e.g. the database is still locked when the header asks who is signed in
        log.exception("error page for %s could not be rendered in full", status)
        _rollback()
        return (f"<!doctype html><meta charset=utf-8><title>{escape(title)}</title>"
                f"<h1>{escape(title)}</h1><p>{escape(detail or text)}</p>"), status


def database_fault(error: Exception):
    """A database still locked (503 with Retry-After) or a full disk (507); else None."""
    fault = fault_of(error)
    if fault == BUSY:
        log.warning("database busy on %s %s: %s", request.method, request.path, error)
        body, status = render_error(503)
        return body, status, {"Retry-After": str(current_app.config["BUSY_RETRY_AFTER_SECONDS"])}
    if fault == FULL:
        log.critical("DISK FULL: the database cannot store %s %s; free disk space on the server (%s)",
                     request.method, request.path, error)
        return render_error(507)
    return None


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        _rollback()
        if request.endpoint == "auth.logout":
            # Signing out after the session already ended (e.g. the idle timer on a shared
            # computer): there is nothing to protect, just finish signing out.
            from .auth.views import sign_out

            in_class = session.get("class_token")
            sign_out()
            session.clear()
            return redirect(url_for("classroom.tiles") if in_class else url_for("auth.index"))
        return render_error(400, str(_l("The page was open too long or was sent twice. "
                                        "Nothing was saved. Reload the page and try again.")))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        _rollback()
        return render_error(error.code)

    @app.errorhandler(SQLAlchemyError)
    def database_error(error: SQLAlchemyError):
        from .schema import SchemaState, check_schema

        _rollback()
        handled = database_fault(error)  # locked for now (503, try again) or a full disk (507)
        if handled is not None:
            return handled
        check = check_schema()
        if check.state == SchemaState.UNREACHABLE:  # down for a moment: "try again in a minute"
            log.error("database unreachable on %s: %s", request.path, check.problem)
            return render_error(500)
        if not check.ok:  # e.g. started by gunicorn before `flask db upgrade`: one line, no traceback
            log.error("database not ready on %s: %s", request.path, check.problem)
            return render_error(503, message=NOT_READY)
        log.exception("unhandled database error on %s", request.path)
        return render_error(500)

    from .sync.stamp import NotHomeError

    @app.errorhandler(NotHomeError)
    def not_home(error: NotHomeError):
        _rollback()
        log.info("refused a change of a record kept elsewhere on %s: %s", request.path, error)
        return render_error(409, message=NOT_HOME)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        _rollback()
        handled = database_fault(error)
        if handled is not None:
            return handled
        log.exception("unhandled error on %s", request.path)
        return render_error(500)
