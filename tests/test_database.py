"""The schema comes from migrations; events are immutable; PostgreSQL specifics."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from app.extensions import db
from app.models import Event
from tests.conftest import DATABASE_URL, make_app


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with nothing in it: a SQLite file, or a fresh schema on PostgreSQL."""
    if not DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    schema = f"mig_{uuid.uuid4().hex[:8]}"
    engine = create_engine(DATABASE_URL)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in DATABASE_URL else "?"
    yield f"{DATABASE_URL}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def test_migrations_build_exactly_the_models_schema(empty_database_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url, SQLALCHEMY_ENGINE_OPTIONS={})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            tables = set(inspect(conn).get_table_names())
        assert diff == []
        assert {"village", "user_account", "event", "trainer_village"} <= tables
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_events_cannot_be_changed_or_deleted(app, make):
    learner = make.learner()
    event = Event(user_id=learner.id, kind="answer", item_id="alpha", question_id="who", lang="kk",
                  payload={"answer": [1], "correct": True})
    db.session.add(event)
    db.session.commit()
    assert isinstance(event.id, uuid.UUID)
    event.payload = {"answer": [0], "correct": False}
    with pytest.raises(ValueError, match="immutable"):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(Event, event.id))
    with pytest.raises(ValueError, match="immutable"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Event, event.id).payload == {"answer": [1], "correct": True}


@pytest.mark.postgres
@pytest.mark.skipif(not DATABASE_URL or not DATABASE_URL.startswith("postgresql"),
                    reason="TEST_DATABASE_URL is not a PostgreSQL URL: PostgreSQL checks skipped")
def test_postgresql_stores_native_uuids_and_utc_times(app, make):
    learner = make.learner()
    with db.engine.connect() as conn:
        kind = conn.execute(text("SELECT data_type FROM information_schema.columns "
                                 "WHERE table_name = 'event' AND column_name = 'id'")).scalar()
        tz = conn.execute(text("SELECT data_type FROM information_schema.columns "
                               "WHERE table_name = 'event' AND column_name = 'created_at'")).scalar()
    assert kind == "uuid" and tz == "timestamp with time zone"
    db.session.add(Event(user_id=learner.id, kind="lesson_opened", item_id="alpha", lang="kk", payload={}))
    db.session.commit()
    stored = db.session.scalars(db.select(Event)).one()
    assert stored.created_at.tzinfo is not None

