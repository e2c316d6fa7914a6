"""`flask serve`: the production server (waitress; also runs on the Windows PCs of village centres)."""

import select

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask.logging import default_handler as flask_default_handler


def waitress_options(config) -> dict:
    """Waitress settings from the app's config (SERVE_* in config.py and the README).

    A browser keeps several connections open, so a class of 30 holds well over waitress's
    default limit of 100; idle ones are closed after SERVE_CHANNEL_TIMEOUT seconds.
    """
    return {
        "threads": int(config["SERVE_THREADS"]),
        "connection_limit": int(config["SERVE_CONNECTION_LIMIT"]),
        "channel_timeout": int(config["SERVE_CHANNEL_TIMEOUT"]),
        "cleanup_interval": max(1, min(30, int(config["SERVE_CHANNEL_TIMEOUT"]) // 2)),
        "backlog": int(config["SERVE_BACKLOG"]),
        # poll() has no limit on the number of sockets; select() (all Windows has) stops at 512.
        "asyncore_use_poll": hasattr(select, "poll"),
        "ident": "Auyl DigitAll",
    }


def make_server(app: Flask, host: str, port: int):
    """The waitress server `flask serve` runs (tests start it on a free port)."""
    from waitress import create_server

    return create_server(app, host=host, port=port, **waitress_options(app.config))


def _log_to_console(app: Flask) -> None:
    """Show the app's and waitress's INFO lines (what was loaded, "Serving on …") unless the
    deployment set up logging itself, and say again what the course holds."""
    import logging

    from ..course import log_summary

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        app.logger.removeHandler(flask_default_handler)  # one line per message, through the root logger
        log_summary(app)


def _say_if_report_rows_are_old() -> None:
    """After a new edition of the content, the report rows judged with the old one make the
    district figures slower (never wrong) until they are remade: say what to run."""
    from ..course import get_course
    from ..extensions import db
    from ..reports import report_rows

    old = report_rows.out_of_date(db.session.connection(), get_course())
    db.session.rollback()
    if old:
        click.echo(f"Note: the report rows of {old} learners were made with an earlier edition of the tests or "
                   "surveys. The figures stay right but are counted learner by learner (slower) until you run "
                   "`flask --app app progress rebuild` (at a quiet hour).")


@click.command("serve")
@click.option("--host", default=None, help="0.0.0.0 to serve the village centre's network.")
@click.option("--port", default=None, type=int)
@click.option("--threads", default=None, type=int, help="Default: SERVE_THREADS.")
@with_appcontext
def serve_command(host, port, threads):
    """Serve the site with waitress."""
    from . import require_current_schema

    require_current_schema()  # a missing or old schema: say what to run, never serve error pages
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the real app, for waitress
    host = host or app.config["SERVE_HOST"]
    port = port or app.config["SERVE_PORT"]
    if threads:
        app.config["SERVE_THREADS"] = threads
    _log_to_console(app)
    _say_if_report_rows_are_old()
    server = make_server(app, host, port)
    click.echo(f"Auyl DigitAll: http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}/  (Ctrl+C stops)")
    server.run()
