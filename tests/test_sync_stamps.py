"""Every change is numbered by the server that made it; records change only on their home."""

from __future__ import annotations

import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app.extensions import db
from app.models import Event, SyncCounter, User, Village
from app.sync.node import this_node_id
from app.sync.stamp import NotHomeError
from tests.conftest import make_app


def add_event(learner, item="alpha"):
    event = Event(user_id=learner.id, kind="answer", item_id=item, question_id="who", lang="kk", payload={})
    db.session.add(event)
    return event


def test_new_rows_take_this_servers_next_numbers(app, make):
    me = this_node_id()
    village = make.village()
    learner = make.learner(village=village)
    first, second = add_event(learner), add_event(learner)
    db.session.commit()
    third = add_event(learner)
    db.session.commit()
    seqs = [village.seq, learner.seq, first.seq, second.seq, third.seq]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert {village.home, learner.home, first.origin, third.origin} == {me}
    assert db.session.get(SyncCounter, me).last_seq == third.seq
    # The learner's own order: 1, 2, 3, even for two events flushed together.
    assert [first.lamport, second.lamport, third.lamport] == [1, 2, 3]
    other = make.learner(village=village)
    assert add_event(other).lamport is None
    db.session.commit()
    assert db.session.scalar(db.select(Event.lamport).where(Event.user_id == other.id)) == 1


def test_a_change_takes_a_new_number(app, make):
    learner = make.learner()
    before = learner.seq
    learner.language = "ru"
    db.session.commit()
    assert learner.seq > before


def test_a_record_from_another_server_is_not_changed_here(app, make):
    learner = make.learner()
    db.session.execute(db.update(User).where(User.id == learner.id).values(home=uuid.uuid4()))
    db.session.commit()
    db.session.expire_all()
    learner = db.session.get(User, learner.id)
    learner.name = "Someone else"
    with pytest.raises(NotHomeError):
        db.session.commit()
    db.session.rollback()


def test_migration_numbers_what_was_there(tmp_path):
    """A server with data from before sync: its rows become its own, numbered in the order made."""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    app = make_app(SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={})
    with app.app_context():
        upgrade(revision="f0dc786c249a")
        village_id, user_id = uuid.uuid4(), uuid.uuid4()
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO village (id, name_kk, name_ru) VALUES (:id, 'Абай', 'Абай')"),
                         {"id": village_id.hex})
            conn.execute(text("INSERT INTO user_account (id, role, name, login_code, secret_hash, village_id, language, "
                              "created_at, active) VALUES (:id, 'learner', 'A', 'a1', 'x', :v, 'kk', '2026-11-01 10:00:00', 1)"),
                         {"id": user_id.hex, "v": village_id.hex})
            for minute in (3, 1, 2):  # inserted out of order: numbered by the time they were made
                conn.execute(text("INSERT INTO event (id, user_id, kind, item_id, lang, payload, created_at) VALUES "
                                  "(:id, :u, 'answer', 'alpha', 'kk', '{}', :at)"),
                             {"id": uuid.uuid4().hex, "u": user_id.hex, "at": f"2026-11-01 10:0{minute}:00"})
        upgrade()
        me = this_node_id()
        rows = db.session.execute(db.select(Event.created_at, Event.seq, Event.lamport, Event.origin)
                                  .order_by(Event.created_at)).all()
        assert [r.lamport for r in rows] == [1, 2, 3]
        assert [r.seq for r in rows] == [3, 4, 5] and {r.origin for r in rows} == {me}
        assert db.session.get(User, user_id).seq == 2  # … and the later ones: the village gets its code prefix, as a new version
        village = db.session.get(Village, village_id)
        assert village.code_prefix == 10 and village.seq == 6 and db.session.get(SyncCounter, me).last_seq == 6
        db.session.remove()
        db.engine.dispose()
