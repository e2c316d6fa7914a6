"""Pages that list many things ask the database a fixed number of times, however many there are."""

from contextlib import contextmanager
from datetime import UTC, date, datetime

from sqlalchemy import event

from app.extensions import db
from app.models import Event, Role, TrainingClass
from app.progress import summaries
from tests.conftest import sign_in, translated


@contextmanager
def counted():
    statements: list[str] = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def _class_with_learners(make, village, n):
    cls = TrainingClass(village=village, level="basic", day1=date(2026, 11, 2), day2=date(2026, 11, 3), venue="x")
    cls.learners.extend(make.learner(village=village) for _ in range(n))
    db.session.add(cls)
    db.session.commit()
    return cls


def test_trainer_home_counts_class_learners_and_mastery_in_fixed_queries(app, client, make):
    village = make.village("Абай")
    trainer = make.staff(villages=[village])
    first = _class_with_learners(make, village, 2)
    learner = first.learners[0]
    db.session.add(Event(user_id=learner.id, kind="lesson_finished", item_id="alpha", lang="kk",
                         payload={"score": 1.0, "correct": 2, "total": 2}, created_at=datetime(2026, 11, 2, tzinfo=UTC)))
    db.session.flush()
    summaries.refresh(learner.id, ["alpha"])  # an event made by hand: its summary too, as record.py would
    db.session.commit()
    sign_in(client, trainer)
    with counted() as few:
        page = client.get("/trainer/").get_data(as_text=True)
    assert translated("%(num)d of %(total)d", num=1, total=2) in page
    for _ in range(3):
        _class_with_learners(make, village, 3)
    with counted() as many:
        page = client.get("/trainer/").get_data(as_text=True)
    assert len(many) == len(few), many
    with app.test_request_context():
        from flask_babel import force_locale, ngettext

        with force_locale("kk"):
            assert ngettext("%(num)d learner", "%(num)d learners", 3) in page


def test_the_trainer_home_reads_summaries_not_events(app, client, make):
    village = make.village("Абай")
    coordinator = make.staff(Role.COORDINATOR)
    make.learner(village=village)
    sign_in(client, coordinator)
    with counted() as statements:
        assert client.get("/trainer/").status_code == 200
    # events are read only for the accounts joined to others (one indexed lookup of that kind)
    assert all("kind =" in s for s in statements if "FROM event" in s)
    assert len([s for s in statements if "FROM event" in s]) <= 1
    assert len([s for s in statements if "FROM progress_item" in s]) == 1
