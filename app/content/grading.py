"""Turn a submitted form into an answer, and grade it. Pure functions, no Flask.

Answers are stored in the question's own index space (the order the author wrote), so a
learner may switch language, and the mixed-up display order can never leak the key:
steps and pairs are shown in an order derived from a server secret.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .model import Question


class InvalidAnswer(ValueError):
    """The submission cannot come from our form (tampered or stale): reject it, store nothing."""


class IncompleteAnswer(ValueError):
    """The learner left something out: ask again, store nothing. `reason` says what (a key of
    the user-facing messages in `app.errors.INCOMPLETE`)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Graded:
    correct: bool
    answer: tuple[int, ...]
    status: tuple[str, ...]  # per option: "right", "wrong", "missed" or ""


def display_order(question: Question, secret: str) -> list[int]:
    """Option indexes in the order they are shown.

    Choices keep the author's order. Steps (order) and right-hand sides (match) are mixed
    up, never left in the right order, the same way on every page view.
    """
    n = len(question.options)
    if question.type not in ("order", "match") or n < 2:
        return list(range(n))
    seed = hashlib.sha256(f"{secret}:{question.id}".encode()).hexdigest()
    order = list(range(n))
    random.Random(seed).shuffle(order)
    if order == sorted(order):
        order = order[1:] + order[:1]
    return order


def parse_answer(question: Question, form: Mapping[str, Sequence[str]], secret: str) -> tuple[int, ...]:
    """Read the question's fields from `form` (name -> list of values)."""
    n = len(question.options)

    def number(value: str, upper: int) -> int:
        try:
            result = int(value)
        except (TypeError, ValueError):
            raise InvalidAnswer(f"not a number: {value!r}") from None
        if not 0 <= result < upper:
            raise InvalidAnswer(f"no such option: {result}")
        return result

    if question.type in ("single", "truefalse"):
        values = form.get("choice") or []
        if not values or values == [""]:
            raise IncompleteAnswer("choose")
        if len(values) > 1:
            raise InvalidAnswer("one answer expected")
        return (number(values[0], n),)
    if question.type == "multiple":
        values = [v for v in form.get("choice") or [] if v != ""]
        if not values:
            raise IncompleteAnswer("choose")
        chosen = sorted({number(v, n) for v in values})
        return tuple(chosen)
    shown = display_order(question, secret)
    if question.type == "order":
        placed: dict[int, int] = {}  # position -> original step index
        for d, original in enumerate(shown):
            values = form.get(f"pos-{d}") or [""]
            if values[0] == "":
                raise IncompleteAnswer("number-steps")
            position = number(values[0], n + 1) - 1
            if position < 0:
                raise InvalidAnswer("positions start at 1")
            if position in placed:
                raise IncompleteAnswer("numbers-once")
            placed[position] = original
        return tuple(placed[p] for p in range(n))
    chosen = []  # match: for each left side i, the original index of the right side picked
    for i in range(n):
        values = form.get(f"pair-{i}") or [""]
        if values[0] == "":
            raise IncompleteAnswer("match-all")
        chosen.append(shown[number(values[0], n)])
    return tuple(chosen)


def grade(question: Question, answer: Sequence[int]) -> Graded:
    """Grade an answer; raises InvalidAnswer when it does not fit the question."""
    n = len(question.options)
    answer = tuple(answer)
    if any(not isinstance(a, int) or not 0 <= a < n for a in answer):
        raise InvalidAnswer("answer does not fit the question")
    if question.type in ("single", "truefalse"):
        if len(answer) != 1:
            raise InvalidAnswer("one answer expected")
        ok = question.options[answer[0]].correct
        status = tuple(("right" if ok else "wrong") if i == answer[0] else "" for i in range(n))
        return Graded(ok, answer, status)
    if question.type == "multiple":
        if not answer or len(set(answer)) != len(answer):
            raise InvalidAnswer("answer does not fit the question")
        chosen = set(answer)
        status = tuple(
            ("right" if o.correct else "wrong") if i in chosen else ("missed" if o.correct else "")
            for i, o in enumerate(question.options)
        )
        return Graded(all(s in ("right", "") for s in status), answer, status)
    if len(answer) != n:
        raise InvalidAnswer("answer does not fit the question")
    if question.type == "order":
        if sorted(answer) != list(range(n)):
            raise InvalidAnswer("answer does not fit the question")
        # per step: right when the learner put it at its own position
        status = tuple("right" if answer.index(i) == i else "wrong" for i in range(n))
        return Graded(all(s == "right" for s in status), answer, status)
    status = tuple("right" if answer[i] == i else "wrong" for i in range(n))  # match
    return Graded(all(s == "right" for s in status), answer, status)
