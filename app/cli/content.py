"""`flask content check [PATH]` and `flask content list`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..content.loader import load_course
from ..course import get_course

content_cli = AppGroup("content", help="Check and list the course content.")


def _root_of(path: Path) -> Path:
    """The content root that holds PATH (a root, a level folder or a lesson folder)."""
    if (path / "level.toml").is_file():
        return path.parent
    if (path / "kk.md").is_file() or (path / "ru.md").is_file():
        return path.parent.parent
    return path


@content_cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def check(path: Path | None):
    """Validate the content; print one 'file:line: problem' per problem; exit 1 if any."""
    path = (path or Path(current_app.config["CONTENT_DIR"])).resolve()
    root = _root_of(path)
    course, problems = load_course(root)
    shown = str(path.relative_to(root.parent)) if path != root else None
    problems = [p for p in problems if shown is None or p.path.startswith(shown)]
    for problem in problems:
        click.echo(str(problem))
    lessons = sum(1 for i in course.items.values() if i.kind == "lesson")
    tests = sum(1 for i in course.items.values() if i.kind == "test")
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    click.echo(f"ok: {len(course.levels)} levels, {lessons} lessons, {tests} tests", err=True)


@content_cli.command("list")
def list_content():
    """List levels, lessons and tests as the server sees them."""
    for level in get_course().levels:
        click.echo(f"{level.id}: {level.title('kk')} / {level.title('ru')} (pass mark {level.pass_mark} %)")
        for n, lesson in enumerate(level.lessons, 1):
            click.echo(f"  {n}. {lesson.id} [{lesson.topic}, {lesson.minutes} min, "
                       f"{len(lesson.question_ids)} questions]")
        for label, test in (("pre-test", level.pretest), ("post-test", level.posttest)):
            if test:
                click.echo(f"  {label}: {test.id} ({len(test.question_ids)} questions)")
