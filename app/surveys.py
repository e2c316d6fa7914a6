"""Reading a survey form (learner's or a trainer's copy of a paper form). Every question may be
left empty: people may choose not to answer."""

from __future__ import annotations

from .content.grading import IncompleteAnswer, parse_answer
from .content.model import Item

TEXT_LIMIT = 1000


def parse_survey(survey: Item, form: dict, lang: str) -> dict:
    """Answers by question id: a list of option indexes, or text. Raises InvalidAnswer."""
    answers: dict[str, str | list[int]] = {}
    for question in survey.variant(lang).questions:
        prefix = question.id + ":"
        scoped = {k[len(prefix):]: v for k, v in form.items() if k.startswith(prefix)}
        if question.type == "text":
            text = " ".join(" ".join(scoped.get("text", [""])).split())[:TEXT_LIMIT]
            if text:
                answers[question.id] = text
            continue
        try:
            answers[question.id] = list(parse_answer(question, scoped, ""))
        except IncompleteAnswer:
            continue
    return answers
