"""Start-up that explains itself: `flask serve` and `flask demo` on a database whose schema is
missing, old or foreign stop with what to run (exit 1), never a traceback; the site answers a
clear page instead of error pages. Each test starts from a fresh SQLite file."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app.extensions import db
from app.schema import SchemaState, check_schema
from tests.conftest import make_app, post, translated

FIRST_REVISION = "f9a0721e9106"  # 0001_initial_schema.py: a database made by an older version


@pytest.fixture
def fresh(tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.sqlite'}", SQLALCHEMY_ENGINE_OPTIONS={})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def waitress_calls(monkeypatch):
    """`flask serve` would block in waitress: record the server it would run instead (a failing
    check shows here)."""
    from app.cli import serve

    calls = []

    class Recorded:
        def __init__(self, app, host, port):
            self.call = {"host": host, "port": port}

        def run(self):
            calls.append(self.call)

    monkeypatch.setattr(serve, "make_server", Recorded)
    return calls


def assert_stops_with(result, *phrases):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    for phrase in phrases:
        assert phrase in result.output


@pytest.mark.parametrize("command", [["demo"], ["serve"]])
def test_a_new_database_stops_the_command_with_what_to_run(fresh, command, waitress_calls):
    result = fresh.test_cli_runner().invoke(args=command)
    assert_stops_with(result, "has no tables yet", "run `flask --app app db upgrade`")
    assert waitress_calls == []


@pytest.mark.parametrize("command", [["demo"], ["serve"]])
def test_a_database_behind_the_migrations_stops_the_command(fresh, command, waitress_calls):
    with fresh.app_context():
        upgrade(revision=FIRST_REVISION)
    result = fresh.test_cli_runner().invoke(args=command)
    assert_stops_with(result, f"is at migration {FIRST_REVISION}", "flask --app app db upgrade")
    assert waitress_calls == []


def test_after_the_upgrade_demo_and_serve_start(fresh, waitress_calls):
    with fresh.app_context():
        upgrade()
        assert check_schema().state == SchemaState.CURRENT
    runner = fresh.test_cli_runner()
    demo = runner.invoke(args=["demo"])
    assert demo.exit_code == 0, demo.output
    served = runner.invoke(args=["serve", "--port", "5999"])
    assert served.exit_code == 0, served.output
    assert [call["port"] for call in waitress_calls] == [5999]


def test_tables_not_made_by_migrations_and_unknown_revisions_are_named(fresh):
    with fresh.app_context():
        db.create_all()  # no alembic_version: not made by `flask db upgrade`
        assert_stops_with(fresh.test_cli_runner().invoke(args=["demo"]), "not made by this program's migrations")
        upgrade_table = "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"
        with db.engine.begin() as conn:
            conn.execute(text(upgrade_table))
            conn.execute(text("INSERT INTO alembic_version VALUES ('ffffffffffff')"))
    result = fresh.test_cli_runner().invoke(args=["demo"])
    assert_stops_with(result, "ffffffffffff", "newer version")


def test_a_database_that_cannot_be_opened_is_named(tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'no-such-folder' / 'x.sqlite'}",
                   SQLALCHEMY_ENGINE_OPTIONS={})
    assert_stops_with(app.test_cli_runner().invoke(args=["demo"]), "cannot open the database")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_site_on_a_missing_schema_answers_a_clear_page(fresh, lang):
    client = fresh.test_client()
    with client.session_transaction() as session:
        session["lang"] = lang
    response = post(client, "/login", {"code": "aigul", "pin": "2580"})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    with fresh.app_context():
        assert translated("The site is not ready yet", lang) in page
    assert "Traceback" not in page and "sqlite" not in page.lower()


def test_a_database_that_is_down_gets_the_try_again_page_not_the_set_up_page(tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'no-such-folder' / 'x.sqlite'}",
                   SQLALCHEMY_ENGINE_OPTIONS={})
    response = post(app.test_client(), "/login", {"code": "aigul", "pin": "2580"})
    assert response.status_code == 500
    with app.app_context():
        assert translated("Something went wrong on our side") in response.get_data(as_text=True)


def test_serve_says_when_the_report_rows_were_made_with_other_content(tmp_path, demo_sqlite, waitress_calls):
    from app.models import ReportLearner
    from tests.conftest import demo_app, drop_schema

    app = demo_app(tmp_path, demo_sqlite)
    runner = app.test_cli_runner()
    served = runner.invoke(args=["serve", "--port", "5998"])
    assert served.exit_code == 0 and "progress rebuild" not in served.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ReportLearner)) > 1
        db.session.execute(db.update(ReportLearner).values(basis="old"))
        db.session.commit()
    served = runner.invoke(args=["serve", "--port", "5998"])
    assert served.exit_code == 0 and "`flask --app app progress rebuild`" in served.output, served.output
    assert [call["port"] for call in waitress_calls] == [5998, 5998]
    with app.app_context():
        drop_schema()
        db.engine.dispose()
