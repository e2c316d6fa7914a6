"""Mastery and lesson states derived from events (pure functions, no database)."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from app.content.loader import load_course
from app.progress.derive import (
    FINISHED,
    IN_PROGRESS,
    MASTERED,
    NOT_STARTED,
    EventView,
    attempt_complete,
    attempts,
    continue_point,
    counted_test_result,
    lesson_progress,
    level_progress,
)
from tests.conftest import FIXTURE_CONTENT

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
QIDS = ["q1", "q2", "q3", "q4", "q5"]


def ev(minute, kind, item="alpha", question=None, **payload):
    return EventView(kind=kind, item_id=item, created_at=T0 + timedelta(minutes=minute),
                     question_id=question, payload=payload)


def answers(start, results, item="alpha"):
    return [ev(start + i, "answer", item, q, answer=[0], correct=ok) for i, (q, ok) in enumerate(results)]


def test_no_events_means_not_started():
    assert lesson_progress("alpha", [], QIDS, 80).status == NOT_STARTED


def test_opened_lesson_is_in_progress():
    p = lesson_progress("alpha", [ev(0, "lesson_opened")], QIDS, 80)
    assert p.status == IN_PROGRESS and p.best_score is None


def test_first_try_counts_retries_do_not_raise_the_score():
    events = answers(0, [("q1", False), ("q1", True), ("q2", True), ("q3", True), ("q4", True), ("q5", True)])
    done = attempt_complete(events, "alpha", QIDS)
    assert done == {"score": 0.8, "correct": 4, "total": 5}


def test_attempt_is_not_complete_until_every_question_is_answered():
    assert attempt_complete(answers(0, [("q1", True), ("q2", True)]), "alpha", QIDS) is None


def test_mastery_takes_the_best_finished_attempt():
    first = answers(0, [(q, q in ("q1", "q2")) for q in QIDS]) + [ev(10, "lesson_finished", score=0.4)]
    p = lesson_progress("alpha", first, QIDS, 80)
    assert p.status == FINISHED and p.best_score == 0.4 and p.attempts == 1
    second = answers(20, [(q, True) for q in QIDS]) + [ev(30, "lesson_finished", score=1.0)]
    third = answers(40, [(q, False) for q in QIDS]) + [ev(50, "lesson_finished", score=0.0)]
    p = lesson_progress("alpha", first + second + third, QIDS, 80)
    assert p.status == MASTERED and p.best_score == 1.0 and p.attempts == 3


def test_pass_mark_is_inclusive():
    events = [ev(0, "lesson_finished", score=0.8)]
    assert lesson_progress("alpha", events, QIDS, 80).status == MASTERED
    assert lesson_progress("alpha", events, QIDS, 81).status == FINISHED


def test_new_attempt_shows_only_its_own_answers():
    events = answers(0, [(q, True) for q in QIDS]) + [ev(10, "lesson_finished", score=1.0)]
    p = lesson_progress("alpha", events, QIDS, 80)
    assert p.shown_finished and set(p.shown_answers) == set(QIDS) and not p.open_attempt
    events += answers(20, [("q3", False)])
    p = lesson_progress("alpha", events, QIDS, 80)
    assert p.open_attempt and not p.shown_finished and set(p.shown_answers) == {"q3"}
    assert p.status == MASTERED  # an open attempt never lowers mastery
    assert p.first_unanswered(QIDS) == "q1"


def test_events_of_other_lessons_are_ignored_and_order_of_input_does_not_matter():
    events = answers(0, [(q, True) for q in QIDS]) + [ev(10, "lesson_finished", score=1.0)]
    events += answers(11, [("q1", False)], item="beta")
    p = lesson_progress("alpha", list(reversed(events)), QIDS, 80)
    assert p.status == MASTERED and p.attempts == 1


def test_only_the_first_test_counts():
    events = [ev(0, "test_taken", item="basic-pre", score=0.5, correct=1, total=2, answers={}, results={}),
              ev(5, "test_taken", item="basic-pre", score=1.0, correct=2, total=2, answers={}, results={})]
    result = counted_test_result("basic-pre", list(reversed(events)))
    assert result.score == 0.5 and result.correct == 1
    assert counted_test_result("basic-post", events) is None


def test_level_progress_and_where_to_continue():
    course = load_course(FIXTURE_CONTENT)[0]
    level = course.level("basic")
    alpha_ids = course.items["alpha"].question_ids
    assert continue_point(course, []) is None
    events = [ev(0, "lesson_opened")]
    assert continue_point(course, events) == ("basic", "alpha")
    events += answers(1, [(q, True) for q in alpha_ids]) + [ev(9, "lesson_finished", score=1.0)]
    progress = level_progress(level, events)
    assert progress.mastered == 1 and progress.total == 2 and not progress.all_finished
    assert continue_point(course, events) == ("basic", "beta")  # alpha is mastered: go on


def test_attempts_split_at_each_finish_in_time_order_whatever_the_given_order():
    first = answers(0, [("q1", False), ("q1", True)]) + [ev(5, "lesson_finished", score=0.0)]
    second = [ev(6, "lesson_opened")] + answers(7, [("q2", True), ("q1", True)])
    found = attempts(list(reversed(first + second + answers(0, [("x", True)], item="beta"))), "alpha")
    assert [a.finish is not None for a in found] == [True, False]
    assert found[0].first_right == {"q1": False} and found[0].last_answers == {"q1": [0]}
    assert list(found[1].first_right) == ["q2", "q1"]
    assert attempts(first + [ev(6, "lesson_opened")], "alpha")[-1].finish is not None  # no empty open attempt


def test_stuck_counts_only_the_open_attempt():
    from app.progress.class_view import STUCK_AFTER, needs_help
    from app.progress.summary import level_progress_of, summarise

    def help_notes(events):
        by_item = {lesson.id: summarise(lesson.id, events)}
        return needs_help(level, level_progress_of(level, by_item), by_item)

    level = load_course(FIXTURE_CONTENT)[0].level("basic")
    lesson = level.lessons[0]
    q = lesson.question_ids[0]
    wrong_then_finished = answers(0, [(q, False)] * STUCK_AFTER, item=lesson.id) + [
        ev(9, "lesson_finished", item=lesson.id, score=0.0)]
    again = answers(10, [(q, False)] * (STUCK_AFTER - 1), item=lesson.id)
    events = wrong_then_finished + again
    assert not [n for n in help_notes(events) if n.kind == "stuck"]
    events += answers(20, [(q, False)], item=lesson.id)
    assert [n.question_id for n in help_notes(events) if n.kind == "stuck"] == [q]


def test_survey_due_intake_first_then_exit_after_a_post_test_once():
    from app.progress.derive import survey_due

    course = load_course(FIXTURE_CONTENT)[0]
    assert survey_due(course, []).id == "intake"
    events = [ev(0, "survey_answered", item="intake", answers={})]
    assert survey_due(course, events) is None  # nothing more until a post-test
    events.append(ev(5, "test_taken", item=course.level("basic").posttest.id, score=1.0))
    assert survey_due(course, events).id == "exit"
    events.append(ev(9, "survey_answered", item="exit", answers={}))
    assert survey_due(course, events) is None  # still open for corrections, but not offered again


# Mastery with practice exercises (issue #15 item 4) -------------------------------------------

def done(minute, exercise, score, critical=0, lesson="alpha"):
    return ev(minute, "exercise_done", f"{lesson}/{exercise}", attempt="a" * 32, score=score, critical=critical)


PASSED = answers(0, [(q, True) for q in QIDS]) + [ev(10, "lesson_finished", score=1.0)]


def test_questions_passed_without_the_practice_is_finished_with_the_practice_left():
    p = lesson_progress("alpha", PASSED, QIDS, 80, ("inbox", "bank"))
    assert p.status == FINISHED and p.questions_passed and p.practice_left == ("inbox", "bank") and p.practice_only


def test_each_exercise_needs_an_attempt_at_the_pass_mark_without_a_critical_mistake():
    one = PASSED + [done(20, "inbox", 1.0)]
    p = lesson_progress("alpha", one, QIDS, 80, ("inbox", "bank"))
    assert p.status == FINISHED and p.practice_left == ("bank",)
    critical = one + [done(30, "bank", 0.9, critical=1)]  # a high score does not make up for it
    assert lesson_progress("alpha", critical, QIDS, 80, ("inbox", "bank")).practice_left == ("bank",)
    below = one + [done(30, "bank", 0.75)]
    assert lesson_progress("alpha", below, QIDS, 80, ("inbox", "bank")).status == FINISHED
    at_the_mark = critical + below + [done(40, "bank", 0.8)]  # any attempt that counts, among others
    p = lesson_progress("alpha", at_the_mark, QIDS, 80, ("inbox", "bank"))
    assert p.status == MASTERED and p.practice_left == () and not p.practice_only


def test_the_practice_does_not_make_up_for_the_questions():
    first = answers(0, [(q, q in ("q1", "q2")) for q in QIDS]) + [ev(10, "lesson_finished", score=0.4)]
    p = lesson_progress("alpha", first + [done(20, "inbox", 1.0)], QIDS, 80, ("inbox",))
    assert p.status == FINISHED and not p.questions_passed and p.practice_left == () and not p.practice_only


def test_practice_alone_is_activity_in_the_lesson():
    p = lesson_progress("alpha", [done(5, "inbox", 1.0)], QIDS, 80, ("inbox",))
    assert p.status == IN_PROGRESS and p.last_activity == T0 + timedelta(minutes=5) and p.attempts == 0
    assert lesson_progress("alpha", [done(5, "other", 1.0)], QIDS, 80, ("inbox",)).status == NOT_STARTED


def test_an_exercise_added_after_mastery_makes_the_lesson_finished_until_it_is_done():
    """Mastery is read from the content as it is now (the rule in derive.py's docstring)."""
    assert lesson_progress("alpha", PASSED, QIDS, 80).status == MASTERED
    assert lesson_progress("alpha", PASSED, QIDS, 80, ("new",)).status == FINISHED
    later = PASSED + [done(60, "new", 0.8)]
    assert lesson_progress("alpha", later, QIDS, 80, ("new",)).status == MASTERED
    # and an exercise taken out of the lesson no longer counts, either way
    assert lesson_progress("alpha", PASSED + [done(60, "old", 0.1)], QIDS, 80).status == MASTERED


def test_the_practice_result_page_says_passed_at_the_levels_pass_mark():
    """The result page of a practice says "passed" by the rule mastery counts it with, at the
    level's pass mark (`derive.exercise_counts`), whatever the "passed" stored with the attempt
    (offline.js does the same with the mark its saved key carries)."""
    from app.content.exercise import AttemptState
    from app.learn.pages import exercise_page

    exercise = SimpleNamespace(screens=[SimpleNamespace(id="s1")])
    state = AttemptState("", [], frozenset())

    def verdict(score, critical, mark):
        done = {"score": score, "critical": critical, "passed": not (score >= 0.7), "moves": []}
        return exercise_page(exercise, state, done, False, "x", pass_mark=mark).result["passed"]

    assert verdict(0.75, 0, 70) and not verdict(0.75, 0, 80)
    assert verdict(0.8, 0, 80) and not verdict(0.79, 0, 80)
    assert not verdict(1.0, 1, 70)  # a dangerous mistake never passes
