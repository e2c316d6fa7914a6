"""`flask progress rebuild`: recompute the progress summaries from the events."""

import time

import click
from flask.cli import AppGroup

from . import require_current_schema

progress_cli = AppGroup("progress", help="Progress summaries (projections of the events).")


@progress_cli.command("rebuild")
def rebuild_command():
    """Delete every progress summary and recompute them all from the events (the truth), then
    the report rows from them (also after a content change: they are judged with the course).

    One transaction: pages show the old summaries until it commits. Run it when no one is
    learning (stop the server, or at night): an answer saved meanwhile can make it fail, and
    then nothing is changed; run it again."""
    from ..course import get_course
    from ..extensions import db
    from ..progress.summaries import rebuild
    from ..reports import report_rows

    require_current_schema()
    start = time.perf_counter()
    learners, items = rebuild()
    counted = report_rows.rebuild(db.session.connection(), get_course())  # the report rows, from the new summaries
    db.session.commit()
    click.echo(f"Rebuilt the progress of {learners} learners ({items} lessons, tests and surveys) "
               f"and the report rows of {counted} in {time.perf_counter() - start:.1f} s.")
