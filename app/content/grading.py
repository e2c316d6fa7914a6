"""Turn a submitted form into an answer, and grade it. Pure functions, no Flask.

Answers are stored in the question's own index space (the order the author wrote), so a
learner may switch language, and the mixed-up display order can never leak the key:
steps and pairs are shown in an order derived from a server secret. What each question type
reads and how it grades is in its module under `qtypes/`; these functions find it by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .model import Question
from .qtypes import Graded, IncompleteAnswer, InvalidAnswer, get

__all__ = ["Graded", "IncompleteAnswer", "InvalidAnswer", "display_order", "parse_answer", "grade"]


def _type_of(question: Question):
    qtype = get(question.type)
    if qtype is None or not qtype.in_lessons:
        raise InvalidAnswer(f"no such question type: {question.type!r}")
    return qtype


def display_order(question: Question, secret: str) -> list[int]:
    """Option indexes in the order they are shown.

    Choices keep the author's order. Steps (order) and right-hand sides (match) are mixed
    up, never left in the right order, the same way on every page view.
    """
    qtype = get(question.type)
    return qtype.display_order(question, secret) if qtype else list(range(len(question.options)))


def parse_answer(question: Question, form: Mapping[str, Sequence[str]], secret: str) -> tuple[int, ...]:
    """Read the question's fields from `form` (name -> list of values)."""
    qtype = _type_of(question)
    return qtype.parse_answer(question, form, qtype.display_order(question, secret))


def grade(question: Question, answer: Sequence[int]) -> Graded:
    """Grade an answer; raises InvalidAnswer when it does not fit the question."""
    n = len(question.options)
    answer = tuple(answer)
    if any(not isinstance(a, int) or not 0 <= a < n for a in answer):
        raise InvalidAnswer("answer does not fit the question")
    return _type_of(question).grade(question, answer)
