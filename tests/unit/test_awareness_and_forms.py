"""Awareness as knowledge and the comparison of the test forms, on small cases computed by hand;
the counterbalanced form order of the progress rules."""

import uuid
from datetime import UTC, datetime

import pytest

from app.content.model import Item, Level, Variant
from app.progress.derive import (
    CLOSED,
    LOCKED,
    OPEN,
    POST,
    PRE,
    TAKEN,
    EventView,
    assigned_order,
    form_order,
    level_progress,
)
from app.progress.derive import test_state as state_of
from app.reports.figures import (
    MIN_PER_FORM,
    LearnerFacts,
    awareness,
    compare_forms,
    overall_awareness,
    survey_sources,
)

# Options of a knowledge item: 0 right, 1 wrong, 2 "not sure".
KNOW = {"know-1414": frozenset({0}), "know-qr": frozenset({0})}


def learner(**kwargs):
    return LearnerFacts(village_id="v1", active=True, **kwargs)


def test_awareness_per_item_in_points_and_the_previously_unaware_who_now_know():
    people = [
        learner(intake={"know-1414": [2]}, exit={"know-1414": [0]}),  # not sure -> right
        learner(intake={"know-1414": [0]}, exit={"know-1414": [0]}),  # right -> right
        learner(intake={"know-1414": [1]}, exit={"know-1414": [2]}),  # wrong -> not sure
        learner(intake={"know-1414": [0]}, exit={"know-1414": [1]}),  # right -> wrong
        learner(intake={"know-1414": [2]}),  # no exit survey: not paired
        learner(exit={"know-1414": [0]}),  # no intake survey: not paired
    ]
    row = {r.item: r for r in awareness(KNOW, people)}["know-1414"]
    # before 2 of 4 = 50 %, after 2 of 4 = 50 %: +0 points; of the 2 unaware before, 1 knows after
    assert (row.pairs, row.before, row.after) == (4, 0.5, 0.5)
    assert row.change_pp == 0 and row.unaware == 2 and row.learned == 1 and row.newly_known == 0.5
    assert row.relative == 0 and row.meets_target is None  # 4 pairs: too few for a ✓
    qr = {r.item: r for r in awareness(KNOW, people)}["know-qr"]
    assert qr.pairs == 0 and qr.before is None and qr.newly_known is None  # nobody answered


def test_not_sure_and_a_wrong_answer_both_count_as_not_knowing():
    people = [learner(intake={"know-qr": [2]}, exit={"know-qr": [0]}),
              learner(intake={"know-qr": [1]}, exit={"know-qr": [0]})]
    row = {r.item: r for r in awareness(KNOW, people)}["know-qr"]
    assert row.before == 0 and row.after == 1 and row.relative is None  # from zero: no relative change
    assert row.change_pp == 1 and row.newly_known == 1


def test_overall_awareness_pools_every_pair_of_answers():
    people = [learner(intake={"know-1414": [2], "know-qr": [0]}, exit={"know-1414": [0], "know-qr": [0]}),
              learner(intake={"know-1414": [2], "know-qr": [2]}, exit={"know-1414": [2], "know-qr": [0]}),
              learner(intake={"know-1414": [1]}, exit={"know-1414": [0]})]
    rows = awareness(KNOW, people)
    total = overall_awareness(rows, learners=3)
    # 5 pairs of answers: right before 1 (qr of the first), after 4; unaware 4, of whom 3 learned
    assert (total.pairs, total.learners) == (5, 3)
    assert total.before == pytest.approx(0.2) and total.after == pytest.approx(0.8)
    assert total.change_pp == pytest.approx(0.6) and total.newly_known == pytest.approx(0.75)
    assert total.relative == pytest.approx(3.0) and total.meets_target is True  # 5 pairs, +300 %


def test_survey_sources_count_own_and_paper_answers():
    people = [learner(intake={}, intake_source="own", exit_source="paper"), learner(intake_source="paper"),
              learner()]
    s = survey_sources(people)
    assert (s.intake_own, s.intake_paper, s.exit_own, s.exit_paper) == (1, 1, 0, 1)


def _takers(n, pre_form, pre, post):
    other = "B" if pre_form == "A" else "A"
    return [learner(pre={"basic": pre}, post={"basic": post}, pre_form={"basic": pre_form},
                    post_form={"basic": other}) for _ in range(n)]


def test_forms_of_equal_difficulty_are_parallel():
    people = []
    for pre, post in ((0.4, 0.8), (0.5, 0.9)):  # alternate scores: each cell has mean 0.45 / 0.85, sd > 0
        people += _takers(MIN_PER_FORM // 2, "A", pre, post) + _takers(MIN_PER_FORM // 2, "B", pre, post)
    c = compare_forms("basic", people)
    assert c.cells[("A", "pre")].n == MIN_PER_FORM and c.cells[("A", "pre")].mean == pytest.approx(0.45)
    assert c.cells[("B", "post")].mean == pytest.approx(0.85)
    diff, low, high = c.differences["pre"]
    assert diff == pytest.approx(0) and low < 0 < high and high < 0.1
    assert c.verdict == "parallel"


def test_a_harder_form_is_found_and_small_samples_are_too_few():
    people = []
    for pre in (0.2, 0.3):
        people += _takers(MIN_PER_FORM // 2, "A", pre, 0.8)  # form A as pre: mean 0.25
    for pre in (0.6, 0.7):
        people += _takers(MIN_PER_FORM // 2, "B", pre, 0.8)  # form B as pre: mean 0.65
    c = compare_forms("basic", people)
    # A − B = −0.40 as pre-test; sd 0.0527 each, se = 0.0236: the interval excludes 0
    assert c.differences["pre"][0] == pytest.approx(-0.4) and c.differences["pre"][2] < 0
    assert c.verdict == "differ"
    assert compare_forms("basic", people[:3] + people[-3:]).verdict == "too_few"


# The progress rules: which form a learner takes before and after.

T = datetime(2026, 12, 1, tzinfo=UTC)


def item(id_, kind="test"):
    return Item(id=id_, kind=kind, topic="basics", minutes=5, level="basic", folder="", objectives=(),
                variants={"kk": Variant(lang="kk", title=id_, blocks=(), path="")})


LEVEL = Level(id="basic", titles={"kk": "Негізгі"}, pass_mark=80, lessons=(), pretest=item("basic-pre"),
              posttest=item("basic-post"))


def taken(test_id, lamport, role=None):
    payload = {"score": 0.5, "correct": 1, "total": 2}
    if role:
        payload["role"] = role
    return EventView(kind="test_taken", item_id=test_id, created_at=T, payload=payload, lamport=lamport)


def test_the_form_order_is_deterministic_and_balanced():
    ids = [uuid.UUID(int=i * 7919 + 12345) for i in range(2000)]
    orders = [assigned_order("basic", i) for i in ids]
    assert orders == [assigned_order("basic", i) for i in ids]  # every server computes the same
    assert orders == [assigned_order("basic", str(i)) for i in ids]  # whether it holds a UUID or its text
    assert 0.46 < orders.count("AB") / len(orders) < 0.54  # about half each way
    assert set(orders) == {"AB", "BA"}


def test_a_learner_assigned_b_first_takes_b_before_and_a_after():
    learner_id = next(i for i in (uuid.uuid4() for _ in range(100)) if assigned_order("basic", i) == "BA")
    progress = level_progress(LEVEL, [], learner_id)
    assert (progress.pre_form.id, progress.post_form.id) == ("basic-post", "basic-pre")
    assert state_of(LEVEL, LEVEL.posttest, [], learner_id) == OPEN  # B is this learner's pre-test
    assert state_of(LEVEL, LEVEL.pretest, [], learner_id) == OPEN  # no lessons: A (after) is open too
    events = [taken("basic-post", 1, role=PRE)]
    progress = level_progress(LEVEL, events, learner_id)
    assert progress.pretest.test_id == "basic-post" and progress.posttest is None
    assert state_of(LEVEL, LEVEL.posttest, events, learner_id) == TAKEN
    both = events + [taken("basic-pre", 2, role=POST)]
    assert level_progress(LEVEL, both, learner_id).posttest.test_id == "basic-pre"


def test_old_events_without_a_role_keep_their_meaning():
    """Before counterbalancing, form A was always the pre-test: whatever the id now assigns."""
    for order in ("AB", "BA"):
        learner_id = next(i for i in (uuid.uuid4() for _ in range(100)) if assigned_order("basic", i) == order)
        events = [taken("basic-pre", 1)]
        assert form_order(LEVEL, events, learner_id) == "AB"
        assert level_progress(LEVEL, events, learner_id).pretest.test_id == "basic-pre"
        post_only = [taken("basic-post", 1)]  # an old post-test with no pre-test: still the post-test
        assert level_progress(LEVEL, post_only, learner_id).posttest.test_id == "basic-post"
        assert level_progress(LEVEL, post_only, learner_id).pretest is None


def test_the_post_form_is_locked_until_the_lessons_are_done():
    lesson = item("alpha", kind="lesson")
    level = Level(id="basic", titles={}, pass_mark=80, lessons=(lesson,), pretest=LEVEL.pretest,
                  posttest=LEVEL.posttest)
    learner_id = next(i for i in (uuid.uuid4() for _ in range(100)) if assigned_order("basic", i) == "BA")
    assert state_of(level, level.pretest, [], learner_id) == LOCKED  # A is the post-test here
    started = [EventView(kind="lesson_finished", item_id="alpha", created_at=T, payload={"score": 1.0}, lamport=1)]
    assert state_of(level, level.posttest, started, learner_id) == CLOSED  # pre-test after the lessons began
