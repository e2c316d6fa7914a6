"""The progress summaries are a projection of the events: after any activity, written by the
one writer or arriving late by sync, they equal what the pure rules derive from the events, and
`flask progress rebuild` gives them back exactly."""

import itertools
import random
import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.course import get_course
from app.extensions import db
from app.models import Event, ProgressItem
from app.progress import derive, record, summaries, summary

LATE_SEQ = itertools.count(1)  # the other servers' change numbers: each used once

# One action: (kind, which item, which question, a seed for the answer given)
ACTION = st.tuples(st.sampled_from(["open", "answer", "answer", "answer", "test", "survey", "late"]),
                   st.integers(0, 3), st.integers(0, 5), st.integers(0, 10**6))


def _some_answer(question, rng: random.Random) -> tuple[int, ...]:
    """Any answer that fits the question (right or wrong: grading decides)."""
    n = len(question.options)
    if question.type in ("single", "truefalse"):
        return (rng.randrange(n),)
    if question.type == "multiple":
        return tuple(rng.sample(range(n), rng.randint(1, n)))
    order = list(range(n))
    rng.shuffle(order)
    return tuple(order)


def _act(learner, action, course) -> None:
    kind, which, qn, seed = action
    rng = random.Random(seed)
    level = course.levels[0]
    lesson = level.lessons[which % len(level.lessons)]
    if kind == "open":
        record.open_lesson(learner, lesson, "kk")
    elif kind == "answer":
        question = lesson.variant("kk").questions[qn % len(lesson.question_ids)]
        record.answer_question(learner, lesson, question, _some_answer(question, rng), "kk")
    elif kind == "test":
        test = level.pretest if which % 2 else level.posttest
        answers = {q.id: _some_answer(q, rng) for q in test.variant("kk").questions if rng.random() < 0.9}
        # the role the learner's form order gives this form (counterbalanced), or none (as before)
        role = derive.level_progress(level, record.events_of(learner), learner.id).role_of(test) if qn % 3 else None
        record.take_test(learner, test, answers, "ru", role=role)
    elif kind == "survey":
        survey = course.surveys["intake" if which % 2 else "exit"]
        record.answer_survey(learner, survey, {"internet-home": [rng.randrange(3)]}, "kk",
                             entered_by=learner if qn == 0 else None)
    else:  # an event from another server, arriving late: it sorts among the events already here
        _arrive_late(learner, lesson, rng)


def _arrive_late(learner, lesson, rng: random.Random) -> None:
    """As the sync import adds an event (app/sync/exchange.py): a plain insert, then the summaries."""
    lamports = list(db.session.scalars(db.select(Event.lamport).where(Event.user_id == learner.id))) or [1]
    question = lesson.variant("kk").questions[rng.randrange(len(lesson.question_ids))]
    kind = rng.choice(["answer", "answer", "lesson_finished", "test_taken"])
    row = {"id": uuid.uuid4(), "user_id": learner.id, "lang": "kk", "origin": uuid.UUID(int=rng.randrange(1, 4)),
           "seq": next(LATE_SEQ), "lamport": rng.randint(0, max(lamports)),
           "created_at": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(10**5)),
           "kind": kind, "item_id": lesson.id, "question_id": None, "payload": {}}
    if kind == "answer":
        row.update(question_id=question.id, payload={"answer": [0], "correct": rng.random() < 0.5})
    elif kind == "lesson_finished":
        row["payload"] = {"score": round(rng.random(), 4), "correct": 1, "total": 2}
    else:
        test = get_course().levels[0].pretest
        row.update(item_id=test.id, payload={"score": round(rng.random(), 4), "correct": 1, "total": 2,
                                             "answers": {}, "results": {}})
        if rng.random() < 0.5:
            row["payload"]["role"] = rng.choice(["pre", "post"])
    db.session.execute(Event.__table__.insert(), [row])
    summaries.refresh_imported([(row["user_id"], row["item_id"])])
    db.session.commit()


def _stored_rows() -> list[tuple]:
    return sorted((str(r.user_id), r.item_id, r.kind, r.events, r.last_lamport, r.last_origin, r.last_seq,
                   r.best_score, r.attempts, r.open_attempt, r.shown_finished, r.score, r.detail)
                  for r in db.session.scalars(db.select(ProgressItem)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(st.tuples(st.integers(0, 1), ACTION), min_size=1, max_size=25))
def test_summaries_equal_the_derivation_from_the_events(app, make, actions):
    course = get_course()
    village = make.village()
    learners = [make.learner(village=village), make.learner(village=village)]
    for who, action in actions:
        _act(learners[who], action, course)
    for learner in learners:
        events = record.events_of(learner)
        mine = summaries.of_learner(learner.id)
        assert set(mine) == {e.item_id for e in events}
        for item_id, found in mine.items():
            assert found == summary.summarise(item_id, events)
        for level in course.levels:
            kept = summary.level_progress_of(level, mine, learner.id)
            assert kept == derive.level_progress(level, events, learner.id)
            for test in (level.pretest, level.posttest):
                assert derive.test_state_of(test, kept) == derive.test_state(level, test, events, learner.id)
        assert summary.continue_point_of(course, mine) == derive.continue_point(course, events)
        assert summary.survey_due_of(course, mine) == derive.survey_due(course, events)
    kept = _stored_rows()
    summaries.rebuild()
    db.session.commit()
    assert _stored_rows() == kept  # the rebuild from the events gives back exactly what was kept


def test_rebuild_command_restores_deleted_summaries(app, make, runner):
    course = get_course()
    learner = make.learner()
    lesson = course.levels[0].lessons[0]
    for question in lesson.variant("kk").questions:
        record.answer_question(learner, lesson, question, question.correct_indexes or (0,), "kk")
    kept = _stored_rows()
    assert kept and kept[0][8] == 1  # one finished attempt
    db.session.execute(db.delete(ProgressItem))
    db.session.commit()
    result = runner.invoke(args=["progress", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output and _stored_rows() == kept
