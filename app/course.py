"""The loaded course, kept on the app: read once at start-up, shared by all requests."""

from __future__ import annotations

import logging

from flask import Flask, current_app

from .content.loader import load_course
from .content.model import Course
from .content.render import Links

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Load the course. A broken lesson is left out and logged, never shown half-working."""
    prefix = app.config.get("APPLICATION_ROOT", "/").rstrip("/")
    links = Links(lesson_url=lambda lesson_id: f"{prefix}/learn/go/{lesson_id}",
                  asset_url=lambda item_id, name: f"{prefix}/learn/files/{item_id}/{name}")
    course, problems = load_course(app.config["CONTENT_DIR"], links)
    for problem in problems:
        log.warning("content left out or incomplete: %s", problem)
    app.extensions["auyl_course"] = course


def get_course() -> Course:
    return current_app.extensions["auyl_course"]

