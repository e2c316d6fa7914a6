"""`order`: steps written `1. step` in the right order, shown mixed up; the learner numbers them."""

from __future__ import annotations

import re

from .base import Graded, IncompleteAnswer, InvalidAnswer, QuestionType, number, register

_STEP_RE = re.compile(r"^\d+[.)]\s+(.+)$")


class Order(QuestionType):
    name = "order"
    template = "qtypes/order.html"
    option_shape = "'1. step' in the right order"
    shuffled = True

    def parse_option(self, line):
        m = _STEP_RE.match(line)
        return {"text": m.group(1).strip(), "correct": True} if m else None

    def check(self, qid, options, problem):
        texts = [o["text"].strip().lower() for o in options]
        if len(set(texts)) != len(texts):
            problem(0, f"question '{qid}' has the same step or left-hand side twice")

    def parse_answer(self, question, form, shown):
        n = len(question.options)
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

    def grade(self, question, answer):
        n = len(question.options)
        if len(answer) != n or sorted(answer) != list(range(n)):
            raise InvalidAnswer("answer does not fit the question")
        # per step: right when the learner put it at its own position
        status = tuple("right" if answer.index(i) == i else "wrong" for i in range(n))
        return Graded(all(s == "right" for s in status), answer, status)

    @staticmethod
    def position_of(given) -> dict:
        """Original step index -> 1-based position the learner gave it."""
        return {step: pos + 1 for pos, step in enumerate(given)}


register(Order())
