"""Auyl DigitAll: a self-paced digital-skills course server for the villages of Aral district."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, the course, blueprints and commands."""
    app = Flask(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"),
                instance_relative_config=True)
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

    _init_extensions(app)
    from . import course, errors, views_common

    course.init_app(app)
    from .sync import stamp

    stamp.init_app(app)
    errors.init_app(app)
    views_common.init_app(app)
    _register_blueprints(app)
    from .cli import register_commands

    register_commands(app)
    return app


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
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in first.")
    login_manager.login_message_category = "info"

    from .models import User

    @login_manager.user_loader
    def load_user(session_id: str):
        import hmac
        import uuid

        user_id, _, stamp = session_id.partition(".")
        try:
            user = db.session.get(User, uuid.UUID(user_id))
        except ValueError:
            return None
        if user is None or not hmac.compare_digest(stamp, user.secret_stamp):
            return None  # the PIN or password changed since this session began
        return user


def _register_blueprints(app: Flask) -> None:
    from .auth import bp as auth_bp
    from .classroom import bp as classroom_bp
    from .district import bp as district_bp
    from .learn import bp as learn_bp
    from .trainer import bp as trainer_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(learn_bp, url_prefix="/learn")
    app.register_blueprint(trainer_bp, url_prefix="/trainer")
    app.register_blueprint(district_bp, url_prefix="/district")
    app.register_blueprint(classroom_bp, url_prefix="/class")
    from .reports.views import bp as reports_bp

    app.register_blueprint(reports_bp, url_prefix="/reports")
    from .sync.api import bp as sync_api_bp
    from .sync.pages import bp as sync_bp

    app.register_blueprint(sync_api_bp, url_prefix="/sync/api")
    app.register_blueprint(sync_bp, url_prefix="/sync")
