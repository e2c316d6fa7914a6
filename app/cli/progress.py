"""`flask progress rebuild`: recompute the progress summaries from the events."""

import time

import click
from flask.cli import AppGroup

from . import require_current_schema

progress_cli = AppGroup("progress", help="Progress summaries (projections of the events).")


@progress_cli.command("rebuild")
def rebuild_command():
    """Delete every progress summary and recompute them all from the events (the truth).
    Safe at any time; pages show the old summaries until it commits."""
    from ..extensions import db
    from ..progress.summaries import rebuild

    require_current_schema()
    start = time.perf_counter()
    learners, items = rebuild()
    db.session.commit()
    click.echo(f"Rebuilt the progress of {learners} learners ({items} lessons, tests and surveys) "
               f"in {time.perf_counter() - start:.1f} s.")
