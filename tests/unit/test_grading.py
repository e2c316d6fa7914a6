"""Grading every question type, and reading answers from submitted forms."""

import pytest

from app.content.grading import IncompleteAnswer, InvalidAnswer, display_order, grade, parse_answer
from app.content.loader import load_course
from tests.conftest import FIXTURE_CONTENT

SECRET = "s3cret"


@pytest.fixture(scope="module")
def questions():
    alpha = load_course(FIXTURE_CONTENT)[0].items["alpha"]
    return {q.id: q for q in alpha.variant("kk").questions}


def test_single_choice(questions):
    q = questions["who"]
    assert grade(q, (1,)).correct
    wrong = grade(q, (0,))
    assert not wrong.correct and wrong.status == ("wrong", "", "")
    assert parse_answer(q, {"choice": ["1"]}, SECRET) == (1,)


def test_true_false(questions):
    q = questions["bank-calls"]
    assert grade(q, (1,)).correct and not grade(q, (0,)).correct


def test_multiple_choice_needs_exactly_the_right_set(questions):
    q = questions["signs"]
    assert grade(q, (0, 2)).correct
    partial = grade(q, (0,))
    assert not partial.correct and partial.status == ("right", "", "missed")
    extra = grade(q, (0, 1, 2))
    assert not extra.correct and extra.status == ("right", "wrong", "right")
    assert parse_answer(q, {"choice": ["2", "0", "2"]}, SECRET) == (0, 2)


def test_order_is_shown_mixed_up_and_graded_in_the_authors_order(questions):
    q = questions["steps"]
    shown = display_order(q, SECRET)
    assert sorted(shown) == [0, 1, 2] and shown != [0, 1, 2]
    assert display_order(q, SECRET) == shown  # the same on every page view
    # give each displayed step its true position
    form = {f"pos-{d}": [str(original + 1)] for d, original in enumerate(shown)}
    answer = parse_answer(q, form, SECRET)
    assert answer == (0, 1, 2) and grade(q, answer).correct
    swapped = grade(q, (1, 0, 2))
    assert not swapped.correct and swapped.status == ("wrong", "wrong", "right")


def test_order_rejects_a_number_used_twice(questions):
    q = questions["steps"]
    with pytest.raises(IncompleteAnswer):
        parse_answer(q, {"pos-0": ["1"], "pos-1": ["1"], "pos-2": ["2"]}, SECRET)
    with pytest.raises(IncompleteAnswer):
        parse_answer(q, {"pos-0": ["1"], "pos-1": ["2"]}, SECRET)


def test_match_pairs(questions):
    q = questions["terms"]
    shown = display_order(q, SECRET)
    where = {original: d for d, original in enumerate(shown)}
    right = {f"pair-{i}": [str(where[i])] for i in range(3)}
    assert grade(q, parse_answer(q, right, SECRET)).correct
    crossed = dict(right, **{"pair-0": [str(where[1])], "pair-1": [str(where[0])]})
    result = grade(q, parse_answer(q, crossed, SECRET))
    assert not result.correct and result.status == ("wrong", "wrong", "right")


def test_display_order_depends_on_the_server_secret(questions):
    q = questions["terms"]
    orders = {tuple(display_order(q, f"secret-{n}")) for n in range(12)}
    assert len(orders) > 1  # the key cannot be read off the page without the secret


@pytest.mark.parametrize("qid, form", [
    ("who", {"choice": ["7"]}),
    ("who", {"choice": ["-1"]}),
    ("who", {"choice": ["x"]}),
    ("who", {"choice": ["0", "1"]}),
    ("signs", {"choice": ["0", "9"]}),
    ("steps", {"pos-0": ["1"], "pos-1": ["2"], "pos-2": ["9"]}),
    ("steps", {"pos-0": ["0"], "pos-1": ["2"], "pos-2": ["3"]}),
    ("terms", {"pair-0": ["0"], "pair-1": ["1"], "pair-2": ["5"]}),
])
def test_impossible_answers_are_invalid(questions, qid, form):
    with pytest.raises(InvalidAnswer):
        parse_answer(questions[qid], form, SECRET)


@pytest.mark.parametrize("qid", ["who", "signs", "bank-calls"])
def test_empty_answer_asks_again(questions, qid):
    with pytest.raises(IncompleteAnswer):
        parse_answer(questions[qid], {}, SECRET)


def test_grade_rejects_answers_that_do_not_fit(questions):
    with pytest.raises(InvalidAnswer):
        grade(questions["who"], (5,))
    with pytest.raises(InvalidAnswer):
        grade(questions["steps"], (0, 0, 1))
    with pytest.raises(InvalidAnswer):
        grade(questions["terms"], (0, 1))
