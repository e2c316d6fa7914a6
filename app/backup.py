"""Backups while the server runs, and restores that check what they restored.

SQLite (a village-centre server): SQLite's online backup API copies a consistent snapshot even
while learners write. PostgreSQL (the district server): `pg_dump` in its custom format, restored
with `pg_restore`. After either, the result is checked: integrity (SQLite), the schema at this
program's migrations' head, and the number of rows in each table.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import URL

from .extensions import db
from .models import Role, User, Village
from .schema import check_schema, migration_heads


class BackupError(Exception):
    """A backup or restore could not be made or did not check out (the message says why)."""


@dataclass(frozen=True)
class Checked:
    """What a backup file or a restored database holds."""

    revision: str
    counts: dict[str, int]  # table -> rows

    def summary(self) -> str:
        shown = ("village", "user_account", "event", "training_class")
        return ", ".join(f"{name} {self.counts[name]}" for name in shown if name in self.counts)


def _url() -> URL:
    return db.engine.url


def is_sqlite_file() -> bool:
    """A village server: the database is one SQLite file (in-memory databases have nothing to save)."""
    url = _url()
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def _sqlite_path() -> Path:
    if not is_sqlite_file():
        raise BackupError(f"there is no database file to back up in {_url().render_as_string(hide_password=True)}")
    return Path(_url().database or "")


def _table_names() -> list[str]:
    return [table.name for table in db.metadata.sorted_tables]


# --- SQLite -----------------------------------------------------------------------------------

def _check_sqlite_file(path: Path) -> Checked:
    """Integrity, schema revision and row counts of a SQLite file, read without changing it."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise BackupError(f"{path}: the SQLite integrity check failed: {result[:3]}")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                raise BackupError(f"{path}: this is not a backup of this program's database (no schema version)")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            counts = {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608 (our names)
                      for name in _table_names() if name in tables}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: not a readable SQLite database ({error})") from None
    return Checked(revision=revision[0] if revision else "", counts=counts)


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while other connections write to `source`."""
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(target, timeout=30)
        try:
            with dst:
                src.backup(dst)  # all pages in one step, under a read lock: one moment's snapshot
        finally:
            dst.close()
    finally:
        src.close()


# --- PostgreSQL -------------------------------------------------------------------------------

def _pg_command(tool: str, *args: str) -> None:
    """Run pg_dump or pg_restore on the app's database; the password goes by environment, never argv."""
    url = _url()
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    target = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                        query=url.query).render_as_string(hide_password=False)
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} not found: install the PostgreSQL client tools "
                          "(Debian/Ubuntu: apt-get install postgresql-client)")
    try:
        subprocess.run([tool, *args, f"--dbname={target}"], check=True, env=env, capture_output=True, text=True)
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{tool} failed: {(error.stderr or '').strip()[:500]}") from None


def _database_counts() -> Checked:
    tables = set(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        counts = {t.name: conn.scalar(select(func.count()).select_from(t)) or 0
                  for t in db.metadata.sorted_tables if t.name in tables}
    heads = migration_heads()
    return Checked(revision=",".join(sorted(heads)), counts=counts)


# --- the two operations -----------------------------------------------------------------------

def backup_to(out: Path) -> Checked:
    """Save the whole database to `out` (a new file) and check the copy."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists: choose a new file name")
    schema = check_schema()
    if not schema.ok:
        raise BackupError(schema.problem)
    if _url().get_backend_name() == "sqlite":
        source = _sqlite_path()  # an in-memory database: a clear error before any file is made
        out.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(source, out)
        checked = _check_sqlite_file(out)
    elif _url().get_backend_name() == "postgresql":
        out.parent.mkdir(parents=True, exist_ok=True)
        _pg_command("pg_dump", "--format=custom", "--no-owner", f"--file={out}")
        _pg_command_list(out)
        checked = _database_counts()  # what the dump was taken from (a moment later, for the note)
    else:
        raise BackupError(f"backups of {_url().get_backend_name()} databases are not supported")
    if checked.revision not in migration_heads():
        raise BackupError(f"{out}: the copy is at migration {checked.revision!r}, expected "
                          f"{', '.join(sorted(migration_heads()))}")
    return checked


def _pg_command_list(out: Path) -> None:
    """pg_restore --list reads the whole archive's table of contents: a truncated dump fails here."""
    if shutil.which("pg_restore") is None:
        return
    result = subprocess.run(["pg_restore", "--list", str(out)], capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{out}: pg_restore cannot read the dump: {result.stderr.strip()[:300]}")


def restore_from(path: Path) -> Checked:
    """Replace the whole database with the backup in `path`; check the result. The backup is
    checked before anything is replaced: a damaged or foreign file changes nothing."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    heads = migration_heads()
    if _url().get_backend_name() == "sqlite":
        wanted = _check_sqlite_file(path)
        if wanted.revision not in heads:
            raise BackupError(f"{path}: the backup is at migration {wanted.revision!r}, this program needs "
                              f"{', '.join(sorted(heads))}: restore it with the program version that made it, "
                              "then run `flask --app app db upgrade`")
        db.session.remove()
        target = _sqlite_path()
        db.engine.dispose()  # no pooled connection keeps a view of the old data
        _sqlite_copy(path, target)
        restored = _check_sqlite_file(_sqlite_path())
        if restored.counts != wanted.counts or restored.revision != wanted.revision:
            raise BackupError(f"the restored database differs from the backup: {restored.counts} "
                              f"instead of {wanted.counts}")
        return restored
    if _url().get_backend_name() == "postgresql":
        _pg_command_list(path)
        db.session.remove()
        db.engine.dispose()
        _pg_command("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(path))
        schema = check_schema()
        if not schema.ok:
            raise BackupError(f"after the restore: {schema.problem}")
        return _database_counts()
    raise BackupError(f"restores into {_url().get_backend_name()} databases are not supported")


# --- the trainer's button ---------------------------------------------------------------------

def may_download(user: User) -> bool:
    """Only a village server (SQLite) offers the download; the akimat's coordinator may always
    save it, a trainer only when every village on this server is theirs: the file holds every
    person's name, sign-in code and answers."""
    if not is_sqlite_file() or user.role not in (Role.TRAINER, Role.COORDINATOR):
        return False
    if user.role == Role.COORDINATOR:
        return True
    theirs = {v.id for v in user.villages}
    return all(village_id in theirs for village_id in db.session.scalars(select(Village.id)))


def backup_for_download() -> tuple[Path, str]:
    """A checked backup in a temporary file (the caller deletes it) and the name to save it as."""
    from datetime import datetime

    stamp = datetime.now().strftime("%Y-%m-%d-%H%M")
    folder = Path(tempfile.mkdtemp(prefix="auyl-backup-"))
    path = folder / f"auyl-backup-{stamp}.sqlite"
    backup_to(path)
    current_app.logger.info("backup downloaded: %s", path.name)
    return path, path.name
