"""Is the database's schema the one this program expects? Asked before serving and before the demo.

The schema is made only by migrations (`flask db upgrade`). We do not apply them on start-up:
on the district server several processes start at once and would race to migrate, and a
migration is a step to take on purpose, after a backup (docs/deploy.md). So a missing or old
schema stops `flask serve` and `flask demo` with the command to run, and the site answers a
clear page instead of error pages.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

UPGRADE_COMMAND = "flask --app app db upgrade"


class SchemaState(enum.StrEnum):
    CURRENT = "current"
    MISSING = "missing"  # no tables at all: a new database
    BEHIND = "behind"  # made by older migrations
    UNKNOWN = "unknown"  # tables not made by our migrations, or by a newer program
    UNREACHABLE = "unreachable"  # the database cannot be opened


@dataclass(frozen=True)
class SchemaCheck:
    state: SchemaState
    problem: str = ""  # what to tell the person running the server (English, for the console)

    @property
    def ok(self) -> bool:
        return self.state == SchemaState.CURRENT


@lru_cache
def _heads(directory: str) -> frozenset[str]:
    config = current_app.extensions["migrate"].migrate.get_config(directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _script(app: Flask) -> ScriptDirectory:
    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())


def migration_heads(app: Flask | None = None) -> frozenset[str]:
    """The revision(s) the migrations in app/migrations/versions/ lead to."""
    app = app or current_app
    return _heads(app.extensions["migrate"].directory)


def check_schema(app: Flask | None = None) -> SchemaCheck:
    """Compare the database's migration revision with the migrations' head. Never raises."""
    app = app or current_app
    where = db.engine.url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as conn:
            current = frozenset(MigrationContext.configure(conn).get_current_heads())
            tables = set(inspect(conn).get_table_names()) - {"alembic_version"}
    except SQLAlchemyError as error:
        cause = getattr(error, "orig", None) or error  # the driver's own message, when there is one
        first_line = str(cause).strip().splitlines()[0]
        return SchemaCheck(SchemaState.UNREACHABLE, f"cannot open the database {where}: {first_line}")
    heads = migration_heads(app)
    if current == heads:
        return SchemaCheck(SchemaState.CURRENT)
    if not current:
        if not tables:
            return SchemaCheck(SchemaState.MISSING, f"the database {where} has no tables yet: "
                                                    f"run `{UPGRADE_COMMAND}` first")
        return SchemaCheck(SchemaState.UNKNOWN, f"the database {where} has tables that were not made by "
                                                "this program's migrations: use an empty database")
    script = _script(app)
    known = {rev.revision for rev in script.walk_revisions()}
    if current <= known:
        return SchemaCheck(SchemaState.BEHIND, f"the database {where} is at migration "
                                               f"{', '.join(sorted(current))}, this program needs "
                                               f"{', '.join(sorted(heads))}: back it up (`flask --app app "
                                               f"backup -o FILE`), then run `{UPGRADE_COMMAND}`")
    return SchemaCheck(SchemaState.UNKNOWN, f"the database {where} is at migration "
                                            f"{', '.join(sorted(current))}, which this program does not "
                                            "know: it was made by a newer version; update the program")


def stamp_head(app: Flask | None = None) -> None:
    """Mark a schema made by `db.create_all()` as being at the migrations' head (tests only)."""
    app = app or current_app
    with db.engine.begin() as conn:
        MigrationContext.configure(conn).stamp(_script(app), "head")
