"""Auyl DigitAll: a self-paced digital-skills course server for the villages of Aral district."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask

if TYPE_CHECKING:
    from .content.model import Course


def create_app(test_config: dict | None = None, course: Course | None = None) -> Flask:
    """Build the app: settings, extensions, the course, blueprints and commands.

    `course`: an already-loaded Course for CONTENT_DIR (the test suite parses each content
    folder once per session); by default the course is read from CONTENT_DIR.
    """
    from .sync.limits import SiteRequest

    app = Flask(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"),
                instance_relative_config=True)
    app.request_class = SiteRequest  # sync bundles may be larger than the site's forms
    from .auth.cookie_session import SiteSessionInterface

    app.session_interface = SiteSessionInterface()  # the signed cookie, not re-signed on every request
    from .config import DefaultConfig

    app.config.from_object(DefaultConfig)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "auyl.sqlite")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("AUYL")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app)
    app.permanent_session_lifetime = timedelta(minutes=int(app.config["SESSION_IDLE_MINUTES"]))
    _check_secret_hashing(app)
    if int(app.config["TRUSTED_PROXIES"]) > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    _init_extensions(app)
    from . import course as course_module
    from . import errors, views_common

    course_module.init_app(app, loaded=course)
    from .sync import stamp

    stamp.init_app(app)
    errors.init_app(app)
    views_common.init_app(app)
    _register_blueprints(app)
    from .cli import register_commands

    register_commands(app)
    return app


def _check_secret_hashing(app: Flask) -> None:
    """PINs are 4 digits: only a slow hash keeps a stolen database from giving them all away.
    The test suite may use a cheap hash (thousands of accounts made per run); nothing else may."""
    from .models.people import STRONG_HASH_METHOD

    if app.config["SECRET_HASH_METHOD"] != STRONG_HASH_METHOD and not app.testing:
        raise RuntimeError(f"SECRET_HASH_METHOD must be {STRONG_HASH_METHOD!r} outside the test suite "
                           f"(got {app.config['SECRET_HASH_METHOD']!r})")


def _instance_secret(app: Flask) -> str:
    """A random secret made on first run and kept in instance/ (never committed)."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _init_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from .extensions import babel, compress, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale

    db.init_app(app)
    from .database import configure_engine

    configure_engine(app, db)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in first.")
    login_manager.login_message_category = "info"

    from .auth import login_sessions

    @login_manager.user_loader
    def load_user(session_id: str):
        # The cookie holds a login session's id: ended (sign-out, new PIN) or unknown is no one.
        return login_sessions.user_of(session_id)


def _register_blueprints(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .classroom import bp as classroom_bp
    from .district import bp as district_bp
    from .learn import bp as learn_bp
    from .trainer import bp as trainer_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(learn_bp, url_prefix="/learn")
    from .learn.offline import bp as pwa_bp

    app.register_blueprint(pwa_bp)
    app.register_blueprint(trainer_bp, url_prefix="/trainer")
    app.register_blueprint(district_bp, url_prefix="/district")
    app.register_blueprint(classroom_bp, url_prefix="/class")
    from .outreach import bp as outreach_bp

    app.register_blueprint(outreach_bp)  # the public schedule: /classes
    from .reports.views import bp as reports_bp

    app.register_blueprint(reports_bp, url_prefix="/reports")
    from .sync.api import bp as sync_api_bp
    from .sync.pages import bp as sync_bp

    app.register_blueprint(sync_api_bp, url_prefix="/sync/api")
    app.register_blueprint(sync_bp, url_prefix="/sync")
