"""`text`: a free answer, in surveys only (app/surveys.py reads it; lessons cannot grade it)."""

from __future__ import annotations

from .base import QuestionType, register


class Text(QuestionType):
    name = "text"
    template = "macros/survey.html"  # shown by the survey page only
    option_shape = "nothing"
    in_lessons = False
    in_surveys = True


register(Text())
