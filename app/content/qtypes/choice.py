"""Choice questions: `single` (one right answer), `truefalse` (two options, one right) and
`multiple` (tick every right one). Written `- [x] right` / `- [ ] wrong`."""

from __future__ import annotations

import re

from .base import Graded, IncompleteAnswer, InvalidAnswer, QuestionType, number, register

_CHOICE_RE = re.compile(r"^[-*]\s+\[([ xX])\]\s+(.+)$")


class _Choice(QuestionType):
    template = "qtypes/choice.html"
    option_shape = "'- [ ] text' or '- [x] text'"

    def parse_option(self, line):
        m = _CHOICE_RE.match(line)
        return {"text": m.group(2).strip(), "correct": m.group(1) != " "} if m else None

    def wrong_picks(self, question, given):
        return (i for i in given if isinstance(i, int) and i < len(question.options)
                and not question.options[i].correct)


class Single(_Choice):
    name = "single"
    in_surveys = True

    def check(self, qid, options, problem):
        correct = sum(o["correct"] for o in options)
        if correct != 1:
            what = "no correct answer" if correct == 0 else f"{correct} correct answers"
            problem(0, f"question '{qid}' ({self.name}) has {what}; mark exactly one with [x]")

    def parse_answer(self, question, form, shown):
        values = form.get("choice") or []
        if not values or values == [""]:
            raise IncompleteAnswer("choose")
        if len(values) > 1:
            raise InvalidAnswer("one answer expected")
        return (number(values[0], len(question.options)),)

    def grade(self, question, answer):
        if len(answer) != 1:
            raise InvalidAnswer("one answer expected")
        ok = question.options[answer[0]].correct
        status = tuple(("right" if ok else "wrong") if i == answer[0] else "" for i in range(len(question.options)))
        return Graded(ok, answer, status)


class TrueFalse(Single):
    name = "truefalse"
    in_surveys = False

    def check(self, qid, options, problem):
        super().check(qid, options, problem)
        if len(options) != 2:
            problem(0, f"question '{qid}' (truefalse) must have exactly 2 options")


class Multiple(_Choice):
    name = "multiple"
    in_surveys = True

    def check(self, qid, options, problem):
        if not any(o["correct"] for o in options):
            problem(0, f"question '{qid}' has no correct answer; mark at least one with [x]")

    def parse_answer(self, question, form, shown):
        values = [v for v in form.get("choice") or [] if v != ""]
        if not values:
            raise IncompleteAnswer("choose")
        return tuple(sorted({number(v, len(question.options)) for v in values}))

    def grade(self, question, answer):
        if not answer or len(set(answer)) != len(answer):
            raise InvalidAnswer("answer does not fit the question")
        chosen = set(answer)
        status = tuple(
            ("right" if o.correct else "wrong") if i in chosen else ("missed" if o.correct else "")
            for i, o in enumerate(question.options)
        )
        return Graded(all(s in ("right", "") for s in status), answer, status)


for _type in (Single(), Multiple(), TrueFalse()):
    register(_type)
