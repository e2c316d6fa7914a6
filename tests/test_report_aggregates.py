"""The district figures made by the database (app/reports/aggregates.py) equal the figures made
learner by learner in Python (queries.learner_facts + figures.Tally, the reference), on random
activity written through the one writer's summaries: tests taken twice and in swapped roles,
paper forms beside the learner's own, intakes after the post-test, classes over or not,
self-registered drop-outs on both sides of the 30 days, villages without residents."""

import dataclasses
import math
import random
from datetime import date, timedelta

import pytest

from app.course import get_course
from app.extensions import db
from app.models import Attendance, ReportLearner, ReportLevel, TrainingClass, User, Village
from app.reports import figures, person_facts, queries, report_rows
from app.reports.queries import report_data
from tests.conftest import EVENTS_T0
from tests.conftest import add_event as add

LEVELS = ("basic", "second")
SCORES = [0.0, 0.25, 0.5, 0.8, 1.0]
KNOW = [[0], [1], [2], [0, 1], [], None]
INTERNET = [[0], [1], [2], [1, 0], None]
REPORT_DAYS = (10, 29, 30, 49, 50, 90)  # after EVENTS_T0; pre-tests fall on day 0, 20, 40…: both sides of 30 days


def _answers(rng, *questions):
    found = {q: rng.choice(KNOW if q.startswith("know") else INTERNET) for q in questions}
    return {q: a for q, a in found.items() if a is not None}


def _activity(make, rng: random.Random, start: date) -> None:
    for k in range(3):
        village = make.village(f"Ауыл {k}", residents=rng.choice([None, 6, 40]))
        classes = []
        for level in LEVELS:
            if rng.random() < 0.7:  # ending on a report's date, the day before or the day after
                day2 = start + timedelta(days=rng.choice(REPORT_DAYS) + rng.choice([-1, 0, 1]))
                classes.append(TrainingClass(village=village, level=level, day1=day2 - timedelta(days=1), day2=day2,
                                             venue="x"))
        db.session.add_all(classes)
        db.session.flush()
        for _ in range(rng.randint(3, 10)):
            person = make.learner(village=village, order=None)
            if classes and rng.random() < 0.6:
                cls = rng.choice(classes)
                cls.learners.append(person)
                if rng.random() < 0.5:
                    db.session.add(Attendance(class_id=cls.id, user_id=person.id, day=1))
            steps = []
            if rng.random() < 0.3:
                steps.append(("lesson_opened", "alpha", {}))
            for level in LEVELS:
                for test in (f"{level}-pre", f"{level}-post"):
                    for _ in range(rng.choice([0, 1, 1, 2])):
                        payload = {"score": rng.choice(SCORES + [round(rng.random(), 3)])}
                        role = rng.choice([None, None, "pre", "post"])
                        if role:
                            payload["role"] = role
                        steps.append(("test_taken", test, payload))
            for survey, questions in (("intake", ("know-1414", "internet-home")), ("exit", ("know-1414",))):
                for _ in range(rng.choice([0, 1, 2, 2])):
                    payload = {"answers": _answers(rng, *questions)}
                    if rng.random() < 0.4:
                        payload["entered_by"] = "trainer"
                    steps.append(("survey_answered", survey, payload))
            rng.shuffle(steps)
            minute = 0
            for kind, item, payload in steps:
                minute += rng.choice([1, 60, 60 * 24 * 20])  # some pre-tests 30+ days before the report
                add(person, kind, item, minute, **payload)
    db.session.commit()


def _same(a, b, where="figures"):
    """Equal, floats within 1e-9 (the database adds in another order)."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            _same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (where, a, b)
    else:
        assert a == b, (where, a, b)


def _not_called(village_ids, *rest):
    assert not village_ids, "a village was read learner by learner"
    return []


@pytest.mark.parametrize("seed, bootstrap_max, dropped_survey",
                         [(1, None, None), (2, None, None), (3, None, None), (4, 2, None), (5, 2, None), (6, 3, None),
                          (7, None, "exit"), (8, None, "intake")])
def test_database_tallies_equal_the_learner_by_learner_figures(app, make, monkeypatch, seed, bootstrap_max,
                                                               dropped_survey):
    if bootstrap_max is not None:  # a low limit: villages and district past it, with their sums alone
        monkeypatch.setattr(figures, "BOOTSTRAP_MAX_N", bootstrap_max)
    rng = random.Random(seed)
    _activity(make, rng, EVENTS_T0.date())
    villages = db.session.scalars(db.select(Village).order_by(Village.name_kk)).all()
    course = get_course()
    if dropped_survey:  # a survey taken out of the content: its answers kept, no longer read
        monkeypatch.delitem(course.surveys, dropped_survey)
        report_rows.rebuild(db.session.connection(), course)  # as `flask progress rebuild` after it
    real = queries.learner_facts
    for today in (EVENTS_T0.date() + timedelta(days=d) for d in REPORT_DAYS):
        monkeypatch.setattr(queries, "learner_facts", _not_called)
        in_sql = report_data(villages, course, today, in_sql=True)
        monkeypatch.setattr(queries, "learner_facts", real)
        learner_by_learner = report_data(villages, course, today, in_sql=False)
        _same(in_sql, learner_by_learner)
        assert in_sql[1].reached > 0
    gains = [g for _, f in in_sql[0] for g in f.gains.values()] + list(in_sql[1].gains.values())
    assert any(g.pairs for g in gains) and any(g.dropouts for g in gains)
    assert any(r.pairs for r in in_sql[1].awareness) == (dropped_survey is None)


def test_the_database_makes_the_tallies_of_many_learners_only(app, make, monkeypatch):
    """A few learners are tallied learner by learner; more (queries.SQL_FROM) by the database,
    unless accounts were joined in a village."""
    _activity(make, random.Random(9), EVENTS_T0.date())
    villages = db.session.scalars(db.select(Village)).all()
    made = []
    real = queries.village_tallies
    monkeypatch.setattr(queries, "village_tallies", lambda ids, *rest: made.append(len(ids)) or real(ids, *rest))
    report_data(villages, get_course())
    assert made == []  # a few learners
    monkeypatch.setattr(queries, "SQL_FROM", 0)
    report_data(villages, get_course())
    assert made == [len(villages)]


def _report_rows() -> tuple[list, list]:
    learners = db.session.execute(db.select(ReportLearner).order_by(ReportLearner.user_id)).scalars().all()
    levels = db.session.execute(db.select(ReportLevel).order_by(ReportLevel.user_id, ReportLevel.level)).scalars().all()
    as_dict = lambda row: {c.name: getattr(row, c.name) for c in row.__table__.columns}  # noqa: E731
    return [as_dict(r) for r in learners], [as_dict(r) for r in levels]


def test_the_rebuild_makes_the_rows_the_one_writer_kept(app, make):
    """The report rows are a projection: rebuilt from the summaries, they are what the one writer
    wrote event by event."""
    _activity(make, random.Random(11), EVENTS_T0.date())
    kept = _report_rows()
    assert kept[0] and kept[1] and any(r["paired"] for r in kept[0]) and any(r["pre_on"] for r in kept[1])
    db.session.execute(db.update(ReportLearner).values(knew=0, basis="x"))
    db.session.execute(db.delete(ReportLevel))
    assert report_rows.rebuild(db.session.connection(), get_course()) == len(kept[0])
    db.session.expire_all()
    assert _report_rows() == kept


def test_villages_with_rows_of_other_content_are_read_learner_by_learner(app, make, monkeypatch):
    """Rows judged with other content (another basis) are never summed: their villages take the
    Python path until the rebuild, and the figures stay right."""
    _activity(make, random.Random(12), EVENTS_T0.date())
    villages = db.session.scalars(db.select(Village).order_by(Village.name_kk)).all()
    course = get_course()
    expected = report_data(villages, course, in_sql=False)
    stale = db.session.scalars(db.select(ReportLearner.user_id).join(User, User.id == ReportLearner.user_id)
                               .where(User.village_id == villages[0].id, ReportLearner.both.is_(True))).first()
    db.session.execute(db.update(ReportLearner).where(ReportLearner.user_id == stale).values(
        both=False, paired=0, knew=0, knows=0, unaware=0, learned=0, basis="old"))
    read: list = []
    real = queries.learner_facts
    monkeypatch.setattr(queries, "learner_facts", lambda ids, *rest: (ids and read.append(set(ids))) or real(ids, *rest))
    _same(report_data(villages, course, in_sql=True), expected)
    assert read == [{villages[0].id}]
    report_rows.rebuild(db.session.connection(), course)
    read.clear()
    _same(report_data(villages, course, in_sql=True), expected)
    assert read == []


def test_a_course_with_more_items_than_the_masks_hold_is_read_learner_by_learner(app, make, monkeypatch):
    _activity(make, random.Random(13), EVENTS_T0.date())
    villages = db.session.scalars(db.select(Village)).all()
    course = get_course()
    expected = report_data(villages, course, in_sql=False)
    monkeypatch.setattr(person_facts, "MAX_ITEMS", 0)
    read: list = []
    real = queries.learner_facts
    monkeypatch.setattr(queries, "learner_facts", lambda ids, *rest: (ids and read.append(set(ids))) or real(ids, *rest))
    _same(report_data(villages, course, in_sql=True), expected)
    assert set().union(*read) == {v.id for v in villages}
    # A learner's rows remade meanwhile are kept, marked as not made: once the course fits again,
    # their village is counted learner by learner until the rebuild, never left out.
    learner = db.session.scalars(db.select(User).where(User.village_id == villages[0].id,
                                                      User.id.in_(db.select(ReportLearner.user_id)))).first()
    add(learner, "survey_answered", "exit", 60 * 24 * 200, answers={"know-1414": [1]})
    db.session.commit()
    assert db.session.get(ReportLearner, learner.id).basis == report_rows.UNUSABLE
    monkeypatch.setattr(person_facts, "MAX_ITEMS", 62)
    expected = report_data(villages, course, in_sql=False)
    read.clear()
    _same(report_data(villages, course, in_sql=True), expected)
    assert read == [{villages[0].id}]
