"""Backups and restores: `flask backup` / `flask restore`, a backup taken while learners write,
and the village server's "Save a backup" button."""

from __future__ import annotations

import re
import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.pool import StaticPool

from app import backup
from app.course import get_course
from app.extensions import db
from app.models import Event, Role, User, Village
from app.progress import record
from tests.conftest import DATABASE_URL, create_schema, drop_schema, make_app, post, sign_in, translated


def file_app(path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", SQLALCHEMY_ENGINE_OPTIONS={})
    with app.app_context():
        create_schema()
    return app


@pytest.fixture
def village_server(tmp_path):
    """A village-centre server: one SQLite file, with an app context open."""
    app = file_app(tmp_path / "live.sqlite")
    with app.app_context():
        yield app
        drop_schema()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def sqlite_file_facts(path) -> tuple[str, int, list]:
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("PRAGMA integrity_check").fetchone()[0],
                conn.execute("SELECT count(*) FROM event").fetchone()[0],
                conn.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        conn.close()


def test_backup_and_restore_with_the_commands(village_server, make, tmp_path):
    runner = village_server.test_cli_runner()
    learner = make.learner(village=make.village("Абай"))
    code = learner.login_code
    record.answer_question(learner, get_course().items["alpha"], get_course().items["alpha"].variant("kk").questions[0],
                           (0,), "kk")
    out = tmp_path / "saved.sqlite"
    saved = runner.invoke(args=["backup", "-o", str(out)])
    assert saved.exit_code == 0, saved.output
    assert "checked" in saved.output and "personal data" in saved.output and "village 1," in saved.output
    make.village("Later")  # a change after the backup: the restore takes it away
    assert count(Village) == 2
    db.session.remove()
    again = runner.invoke(args=["backup", "-o", str(out)])
    assert again.exit_code == 1 and "already exists" in again.output
    restored = runner.invoke(args=["restore", str(out), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "checked" in restored.output and "village 1," in restored.output
    assert count(Village) == 1 and count(Event) >= 1
    assert db.session.scalar(select(User.login_code).where(User.role == Role.LEARNER)) == code


def test_restore_asks_first_and_refuses_a_bad_file_changing_nothing(village_server, make, tmp_path):
    runner = village_server.test_cli_runner()
    make.village("Абай")
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    result = runner.invoke(args=["restore", str(garbage), "--yes"])
    assert result.exit_code == 1 and "not a readable SQLite database" in result.output
    assert "Traceback" not in result.output
    no = runner.invoke(args=["restore", str(garbage)], input="n\n")
    assert no.exit_code == 1 and "Aborted" in no.output
    missing = runner.invoke(args=["restore", str(tmp_path / "nothing.sqlite"), "--yes"])
    assert missing.exit_code == 1 and "no such file" in missing.output
    assert count(Village) == 1


def test_a_backup_from_an_older_schema_is_refused(village_server, make, tmp_path):
    old = file_app(tmp_path / "old.sqlite")
    with old.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'f9a0721e9106'"))
        db.engine.dispose()
    make.village("Абай")
    result = village_server.test_cli_runner().invoke(args=["restore", str(tmp_path / "old.sqlite"), "--yes"])
    assert result.exit_code == 1 and "f9a0721e9106" in result.output
    assert count(Village) == 1


def test_an_in_memory_database_has_nothing_to_back_up(tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI="sqlite://", SQLALCHEMY_ENGINE_OPTIONS={"poolclass": StaticPool})
    with app.app_context():
        create_schema()
        result = app.test_cli_runner().invoke(args=["backup", "-o", str(tmp_path / "x.sqlite")])
        assert result.exit_code == 1 and "no database file to back up" in result.output
        assert not (tmp_path / "x.sqlite").exists()


def test_a_backup_taken_while_learners_write_restores_consistently(village_server, make, tmp_path):
    """A thread records answers the whole time; the backup is one consistent moment of it."""
    learner_id = make.learner(village=make.village("Абай")).id
    stop, written, errors = threading.Event(), [0], []

    def writer():
        try:
            with village_server.app_context():
                lesson = get_course().items["alpha"]
                question = lesson.variant("kk").questions[0]
                learner = db.session.get(User, learner_id)
                while not stop.is_set():
                    record.answer_question(learner, lesson, question, (0,), "kk")
                    written[0] += 1
                db.session.remove()
        except Exception as error:  # shown by the test, not lost in the thread
            errors.append(error)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while written[0] < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        before = count(Event)
        db.session.commit()  # end this read, so the backup sees the newest data
        out = tmp_path / "during.sqlite"
        checked = backup.backup_to(out)
        at_backup = written[0]
        while written[0] < at_backup + 20 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert errors == []
    after = count(Event)
    integrity, in_backup, broken_links = sqlite_file_facts(out)
    assert integrity == "ok" and broken_links == []
    assert before <= in_backup <= after and before < after
    assert checked.counts["event"] == in_backup

    fresh = file_app(tmp_path / "restored.sqlite")
    with fresh.app_context():
        db.engine.dispose()
        restored = backup.restore_from(out)
        assert restored.counts["event"] == in_backup == count(Event)
        assert sqlite_file_facts(tmp_path / "restored.sqlite")[0] == "ok"
        drop_schema()


def test_pg_dump_missing_is_a_clear_error_and_the_password_stays_off_the_command_line(monkeypatch):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://auyl:s3cret@127.0.0.1:1/auyl",
                   SQLALCHEMY_ENGINE_OPTIONS={})
    with app.app_context():
        monkeypatch.setattr(backup.shutil, "which", lambda tool: None)
        with pytest.raises(backup.BackupError, match="pg_dump not found: install the PostgreSQL client"):
            backup._pg_command("pg_dump", "--format=custom")
        calls = []
        monkeypatch.setattr(backup.shutil, "which", lambda tool: "/usr/bin/" + tool)
        monkeypatch.setattr(backup.subprocess, "run", lambda args, **kw: calls.append((args, kw["env"])))
        backup._pg_command("pg_dump", "--format=custom")
        (args, env), = calls
        assert args[0] == "pg_dump" and "--dbname=postgresql://auyl@127.0.0.1:1/auyl" in args
        assert not any("s3cret" in arg for arg in args) and env["PGPASSWORD"] == "s3cret"


@pytest.mark.postgres
def test_backup_and_restore_on_postgresql(app, make, runner, tmp_path):
    if not (DATABASE_URL and DATABASE_URL.startswith("postgresql")):
        pytest.skip("needs TEST_DATABASE_URL pointing at PostgreSQL")
    make.village("Абай")
    db.session.remove()
    out = tmp_path / "auyl.dump"
    saved = runner.invoke(args=["backup", "-o", str(out)])
    assert saved.exit_code == 0, saved.output
    make.village("Later")
    db.session.remove()
    restored = runner.invoke(args=["restore", str(out), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert [v.name_kk for v in db.session.scalars(select(Village))] == ["Абай"]


# --- the button on a village server -------------------------------------------------------

def test_a_trainer_of_every_village_saves_a_backup_from_the_page(village_server, make, tmp_path):
    village = make.village("Абай")
    make.learner(village=village)
    trainer = make.staff(villages=[village])
    client = village_server.test_client()
    sign_in(client, trainer)
    page = client.get("/trainer/").get_data(as_text=True)
    assert translated("Save a backup") in page
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<" not in title and translated("Save a backup") not in title  # the section is in the page, once
    assert page.count(translated("Save a backup")) == 1
    assert translated("The file holds personal data: names, sign-in codes and answers. Keep it in a locked "
                      "place and never send it to anyone.") in page
    assert client.post("/trainer/backup").status_code == 400  # no CSRF token: refused
    response = post(client, "/trainer/backup", page="/trainer/")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    saved = tmp_path / "downloaded.sqlite"
    saved.write_bytes(response.data)
    response.close()
    integrity, _, _ = sqlite_file_facts(saved)
    conn = sqlite3.connect(saved)
    names = [row[0] for row in conn.execute("SELECT name_kk FROM village")]
    conn.close()
    assert integrity == "ok" and names == ["Абай"]


def test_no_backup_for_a_trainer_who_would_see_other_villages_nor_for_learners(village_server, make):
    mine, other = make.village("Абай"), make.village("Бөген")
    make.learner(village=other)
    trainer = make.staff(villages=[mine])
    client = village_server.test_client()
    sign_in(client, trainer)
    page = client.get("/trainer/").get_data(as_text=True)
    assert translated("Save a backup") not in page
    assert translated("This computer also holds people of villages that are not yours: only the akimat "
                      "coordinator can save its backup.") in page
    assert post(client, "/trainer/backup", page="/trainer/").status_code == 404
    coordinator = make.staff(role=Role.COORDINATOR)
    other_client = village_server.test_client()
    sign_in(other_client, coordinator)
    download = post(other_client, "/trainer/backup", page="/trainer/")
    assert download.status_code == 200 and len(download.data) > 0
    download.close()
    learner_client = village_server.test_client()
    sign_in(learner_client, make.learner(village=mine))
    assert post(learner_client, "/trainer/backup", page="/learn/").status_code == 403


def test_no_backup_button_on_a_server_without_a_database_file(client, make):
    village = make.village("Абай")
    sign_in(client, make.staff(villages=[village]))
    assert translated("Save a backup") not in client.get("/trainer/").get_data(as_text=True)
    assert post(client, "/trainer/backup", page="/trainer/").status_code == 404
