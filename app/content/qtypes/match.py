"""`match`: pairs written `- left = right`; right-hand sides shown mixed up, one picked per line."""

from __future__ import annotations

import re

from .base import Graded, IncompleteAnswer, InvalidAnswer, QuestionType, number, register

_PAIR_RE = re.compile(r"^[-*]\s+(.+?)\s+=\s+(.+)$")


class Match(QuestionType):
    name = "match"
    template = "qtypes/match.html"
    option_shape = "'- left = right'"
    shuffled = True

    def parse_option(self, line):
        m = _PAIR_RE.match(line)
        return {"text": m.group(1).strip(), "match": m.group(2).strip(), "correct": True} if m else None

    def check(self, qid, options, problem):
        rights = [o["match"].strip().lower() for o in options]
        if len(set(rights)) != len(rights):
            problem(0, f"question '{qid}' has the same right-hand side twice")
        texts = [o["text"].strip().lower() for o in options]
        if len(set(texts)) != len(texts):
            problem(0, f"question '{qid}' has the same step or left-hand side twice")

    def parse_answer(self, question, form, shown):
        n = len(question.options)
        chosen = []  # for each left side i, the original index of the right side picked
        for i in range(n):
            values = form.get(f"pair-{i}") or [""]
            if values[0] == "":
                raise IncompleteAnswer("match-all")
            chosen.append(shown[number(values[0], n)])
        return tuple(chosen)

    def grade(self, question, answer):
        n = len(question.options)
        if len(answer) != n:
            raise InvalidAnswer("answer does not fit the question")
        status = tuple("right" if answer[i] == i else "wrong" for i in range(n))
        return Graded(all(s == "right" for s in status), answer, status)

    @staticmethod
    def display_of(given, shown) -> dict:
        """Left index -> display index of the chosen right side."""
        where = {original: d for d, original in enumerate(shown)}
        return {i: where[a] for i, a in enumerate(given)}


register(Match())
