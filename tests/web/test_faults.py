"""Faults a village server meets: a database busy with another writer, a full disk.

The learner gets a page in their language (503 "busy, try again" or 507 "disk full"), the log
says what happened, and nothing is half-stored. On SQLite the database is a real file in WAL
mode (a lock needs a second connection); on PostgreSQL a table lock held by another connection.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3

import pytest
from sqlalchemy import create_engine, event, text

from app.extensions import db, limiter
from app.models import Event
from tests.conftest import DATABASE_URL, make_app, post, sign_in, translated

LESSON = "/learn/basic/alpha"


@pytest.fixture
def file_app(tmp_path):
    """The app on a database that another connection can lock: an SQLite file, or PostgreSQL."""
    overrides = {"DATABASE_LOCK_TIMEOUT_SECONDS": 0.3}
    if not DATABASE_URL:
        overrides |= {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'auyl.sqlite'}",
                      "SQLALCHEMY_ENGINE_OPTIONS": {}}
    app = make_app(**overrides)
    with app.app_context():
        db.drop_all()
        db.create_all()
        limiter.reset()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@contextlib.contextmanager
def write_lock(app):
    """Another process writing (a backup, a long import): it holds the write lock until released."""
    if DATABASE_URL:
        engine = create_engine(DATABASE_URL)
        with engine.connect() as other:
            other.execute(text("LOCK TABLE event IN EXCLUSIVE MODE"))  # reads go on, writes wait
            yield
            other.rollback()
        engine.dispose()
    else:
        other = sqlite3.connect(db.engine.url.database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()


def answers():
    db.session.rollback()  # see what other connections committed
    return db.session.scalars(db.select(Event).where(Event.kind == "answer")).all()


def test_sqlite_file_is_in_wal_mode_with_the_lock_timeout(file_app):
    if DATABASE_URL:
        assert db.session.execute(text("SHOW lock_timeout")).scalar() == "300ms"
    else:
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 300


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_locked_database_gives_a_busy_page_then_the_answer_goes_through(file_app, make, caplog, lang):
    client = file_app.test_client()
    learner = make.learner(language=lang, name="Айгүл Серікова")
    sign_in(client, learner)
    assert client.get(LESSON).status_code == 200
    with write_lock(file_app):
        response = post(client, f"{LESSON}/answer/who", {"choice": "1"}, page=LESSON)
        page = response.get_data(as_text=True)
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) > 0
        assert translated("The server is busy", lang) in page
        assert translated("Your last step was not saved. Wait a few seconds and try again.", lang) in page
        assert "Айгүл Серікова" in page  # the header still knows who is signed in: the session was rolled back
    assert answers() == []  # nothing half-written
    assert "PendingRollbackError" not in caplog.text
    assert any("database busy" in r.getMessage() for r in caplog.records)
    response = post(client, f"{LESSON}/answer/who", {"choice": "1"}, page=LESSON)
    assert response.status_code == 302
    assert len(answers()) == 1


def _fail_writes(engine, message: str):
    """Every INSERT fails as the database driver reports a full disk."""
    error_class = engine.dialect.loaded_dbapi.OperationalError

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT"):
            raise error_class(message)

    event.listen(engine, "before_cursor_execute", before)
    return lambda: event.remove(engine, "before_cursor_execute", before)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_full_disk_gives_a_clear_page_and_log_line_and_stores_nothing(app, client, make, caplog, lang):
    sign_in(client, make.learner(language=lang))
    assert client.get(LESSON).status_code == 200
    before = db.session.scalar(db.select(db.func.count()).select_from(Event))
    message = "database or disk is full" if db.engine.url.get_backend_name() == "sqlite" else \
        'could not extend file "base/16384/2619": No space left on device'
    restore = _fail_writes(db.engine, message)
    try:
        with caplog.at_level(logging.WARNING):
            response = post(client, f"{LESSON}/answer/who", {"choice": "1"}, page=LESSON)
    finally:
        restore()
    page = response.get_data(as_text=True)
    assert response.status_code == 507
    assert translated("The server's disk is full", lang) in page
    assert "Traceback" not in page and "PendingRollbackError" not in caplog.text
    assert any(r.levelno == logging.CRITICAL and "DISK FULL" in r.getMessage() for r in caplog.records)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == before
    assert post(client, f"{LESSON}/answer/who", {"choice": "1"}, page=LESSON).status_code == 302  # space again


def test_no_space_left_on_device_is_a_full_disk(app, client, make, monkeypatch):
    """The disk may also fill up outside the database (e.g. the session's secret file)."""
    import errno

    from app.learn import views

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    sign_in(client, make.learner())
    monkeypatch.setattr(views.record, "answer_question", no_space)
    response = post(client, f"{LESSON}/answer/who", {"choice": "1"}, page=LESSON)
    assert response.status_code == 507


def test_error_page_after_a_failed_flush_does_not_raise_pending_rollback(app, client, make, caplog):
    """Any error in a write leaves the session needing a rollback; the 500 page must still render."""
    sign_in(client, make.learner(name="Болат Нұрланов"))
    restore = _fail_writes(db.engine, "disk I/O error")
    try:
        response = post(client, f"{LESSON}/answer/who", {"choice": "1"}, page=LESSON)
    finally:
        restore()
    assert response.status_code == 500
    assert translated("Something went wrong on our side") in response.get_data(as_text=True)
    assert "Болат Нұрланов" in response.get_data(as_text=True)
    assert "PendingRollbackError" not in caplog.text
