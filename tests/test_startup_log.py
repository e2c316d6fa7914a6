"""The start-up log says what the course holds and what was left out, and why."""

import logging
import shutil

from tests.conftest import FIXTURE_CONTENT, make_app


def _start(caplog, content, **config):
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="app.course"):
        make_app(content, **config)
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "app.course"]


def test_start_up_lists_levels_lessons_and_tests(caplog):
    lines = _start(caplog, FIXTURE_CONTENT, COURSE_LEVELS=("basic", "second"))
    text = "\n".join(m for _, m in lines)
    assert "2 levels, 3 lessons, 4 tests, surveys: exit, intake" in text
    assert "level basic: 2 lessons (alpha, beta); pre-test basic-pre, post-test basic-post" in text
    assert all(level == logging.INFO for level, _ in lines)  # nothing left out: no warnings


def test_start_up_names_each_lesson_left_out_and_why(tmp_path, caplog):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    beta = content / "basic/02-beta/kk.md"
    beta.write_text(beta.read_text(encoding="utf-8").replace("kind: lesson", "kind: lecture"), encoding="utf-8")
    shutil.rmtree(content / "second/01-gamma")  # the only lesson of "second": the level goes too
    (content / "basic/03-extra").mkdir()
    lines = _start(caplog, content, COURSE_LEVELS=("basic", "second"))
    warnings = "\n".join(m for level, m in lines if level == logging.WARNING)
    assert "left out content/basic/02-beta: content/basic/02-beta/kk.md:2: kind must be one of" in warnings
    assert "left out content/basic/03-extra: content/basic/03-extra:0: folder has neither kk.md nor ru.md" in warnings
    assert "left out content/second: none of its lessons can be shown" in warnings
    assert "level basic: 1 lessons (alpha)" in "\n".join(m for _, m in lines)


def test_a_level_folder_missing_entirely_is_logged(tmp_path, caplog):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    shutil.rmtree(content / "second")
    lines = _start(caplog, content, COURSE_LEVELS=("basic", "second"))
    assert (logging.WARNING, f"level folder second/ is missing from {content}: its lessons are not served") in lines
