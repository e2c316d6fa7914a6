"""How the server talks to its database when it is busy or its disk is full.

SQLite (a village centre): WAL, so that readers never wait for a writer and a writer waits for
another writer only as long as `DATABASE_LOCK_TIMEOUT_SECONDS`. PostgreSQL (the district server):
the same wait as `lock_timeout`, and no JIT compilation (it cost more than the queries it sped).
A request that still finds the database locked, or the disk full, fails whole (one commit per
request) and gets a clear page (errors.py), never a 500.
"""

from __future__ import annotations

import errno
import logging

from flask import Flask
from sqlalchemy import event

log = logging.getLogger(__name__)

BUSY, FULL = "busy", "full"
# PostgreSQL's SQLSTATE codes: lock_not_available, deadlock_detected; disk_full.
_PG_BUSY = {"55P03", "40P01"}
_PG_FULL = {"53100"}


def configure_engine(app: Flask, db) -> None:
    """Set the lock wait (and WAL for an SQLite file) on every new database connection."""
    with app.app_context():
        engine = db.engine
    timeout = float(app.config["DATABASE_LOCK_TIMEOUT_SECONDS"])
    backend = engine.url.get_backend_name()
    if backend == "sqlite":
        if engine.url.database in (None, "", ":memory:") or "mode=memory" in str(engine.url):
            return  # an in-memory database (tests): no file, no WAL, no other process to wait for

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            # WAL: a backup or an import no longer blocks every reader. `synchronous` stays FULL:
            # a village centre loses power, and an answer written must survive that.
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.close()
    elif backend == "postgresql":

        @event.listens_for(engine, "connect")
        def _pg_lock_timeout(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute(f"SET lock_timeout = {int(timeout * 1000)}")
            # No JIT: the report's aggregate queries look costly to the planner (correlated
            # EXISTS, many CASEs) and PostgreSQL spent 0.4 s compiling a query that runs in 30 ms
            # (bench/report-scale.md); no query of this site runs long enough to gain from it.
            cursor.execute("SET jit = off")
            cursor.close()
            dbapi_connection.commit()  # else the pool's rollback would undo the SET


def fault_of(error: BaseException) -> str | None:
    """BUSY for a database still locked after the wait, FULL for a full disk, else None."""
    original = getattr(error, "orig", None) or error
    if isinstance(original, OSError) and original.errno == errno.ENOSPC:
        return FULL
    text = str(original).lower()
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if code in _PG_FULL or "database or disk is full" in text or "no space left on device" in text:
        return FULL
    if code in _PG_BUSY or "database is locked" in text or "database table is locked" in text \
            or "lock timeout" in text:
        return BUSY
    return None
