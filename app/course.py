"""The loaded course, kept on the app: read once at start-up, shared by all requests."""

from __future__ import annotations

import logging
from pathlib import Path

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
    app.extensions["auyl_course"] = course
    app.extensions["auyl_course_problems"] = problems
    log_summary(app)


def log_summary(app: Flask) -> None:
    """Say what was loaded and what was left out, and why: the person starting the server in a
    village centre sees at once that a lesson (or a whole level) is missing."""
    course: Course = app.extensions["auyl_course"]
    content_dir = app.config["CONTENT_DIR"]
    lessons = sum(len(lv.lessons) for lv in course.levels)
    tests = sum((lv.pretest is not None) + (lv.posttest is not None) for lv in course.levels)
    log.info("course from %s: %d levels, %d lessons, %d tests, surveys: %s", content_dir, len(course.levels),
             lessons, tests, ", ".join(sorted(course.surveys)) or "none")
    for level in course.levels:
        log.info("level %s: %d lessons (%s); pre-test %s, post-test %s", level.id, len(level.lessons),
                 ", ".join(i.id for i in level.lessons), level.pretest.id if level.pretest else "none",
                 level.posttest.id if level.posttest else "none")
    for expected in app.config.get("COURSE_LEVELS") or ():
        if course.level(expected) is None and not (Path(content_dir) / expected).is_dir():
            log.warning("level folder %s/ is missing from %s: its lessons are not served", expected, content_dir)
    for folder, reason in course.left_out:
        log.warning("left out %s: %s", folder, reason)
    for problem in app.extensions.get("auyl_course_problems", ()):
        log.warning("content problem: %s", problem)


def links_for(prefix: str) -> Links:
    """How lesson pages link to other lessons and to their files, under the site's prefix."""
    return Links(lesson_url=lambda lesson_id: f"{prefix}/learn/go/{lesson_id}",
                 asset_url=lambda item_id, name: f"{prefix}/learn/files/{item_id}/{name}")


def get_course() -> Course:
    return current_app.extensions["auyl_course"]
