"""The loaded course, kept on the app: read once at start-up, shared by all requests."""

from __future__ import annotations

import logging

from flask import Flask, current_app

from .content.loader import load_course
from .content.model import Course
from .content.render import Links

log = logging.getLogger(__name__)


def init_app(app: Flask, loaded: Course | None = None) -> None:
    """Load the course. A broken lesson is left out and logged, never shown half-working.

    `loaded`: a course already read from CONTENT_DIR (tests share one per content folder).
    """
    if loaded is not None:
        app.extensions["auyl_course"] = loaded
        return
    links = links_for(app.config.get("APPLICATION_ROOT", "/").rstrip("/"))
    course, problems = load_course(app.config["CONTENT_DIR"], links)
    for problem in problems:
        log.warning("content left out or incomplete: %s", problem)
    app.extensions["auyl_course"] = course


def links_for(prefix: str) -> Links:
    """How lesson pages link to other lessons and to their files, under the site's prefix."""
    return Links(lesson_url=lambda lesson_id: f"{prefix}/learn/go/{lesson_id}",
                 asset_url=lambda item_id, name: f"{prefix}/learn/files/{item_id}/{name}")


def get_course() -> Course:
    return current_app.extensions["auyl_course"]

