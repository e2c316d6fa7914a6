"""The question-type registry: a type made here, for the test only, plugs in without touching
the core (parser, grader, pages, lesson cache, class view): one module's worth of code and one
template, registered."""

import re
import shutil

import pytest
from jinja2 import ChoiceLoader, DictLoader

from app.content import qtypes
from app.content.loader import load_course
from app.content.qtypes.base import Graded, IncompleteAnswer, QuestionType, number
from app.extensions import db, limiter
from app.models import Event
from tests.conftest import FIXTURE_CONTENT, create_schema, drop_schema, make_app, post, sign_in

PICK_RE = re.compile(r"^[-*]\s+\(([ *])\)\s+(.+)$")


class Pick(QuestionType):
    """Options written `- (*) right` / `- ( ) wrong`, shown as one drop-down list."""

    name = "pick"
    template = "qtypes/pick.html"
    option_shape = "'- (*) text' or '- ( ) text'"

    def parse_option(self, line):
        m = PICK_RE.match(line)
        return {"text": m.group(2), "correct": m.group(1) == "*"} if m else None

    def check(self, qid, options, problem):
        if sum(o["correct"] for o in options) != 1:
            problem(0, f"question '{qid}' (pick) needs exactly one (*)")

    def parse_answer(self, question, form, shown):
        value = (form.get("picked") or [""])[0]
        if value == "":
            raise IncompleteAnswer("choose")
        return (number(value, len(question.options)),)

    def grade(self, question, answer):
        ok = question.options[answer[0]].correct
        return Graded(ok, answer, tuple("right" if i == answer[0] and ok else "wrong" if i == answer[0] else ""
                                        for i in range(len(question.options))))


TEMPLATE = """{% macro kind(q) %}Pick one from the list.{% endmacro %}
{% macro fields(qv, p, g, mode, locked) %}<select class="pick" name="{{ p }}picked">{% for i in qv.shown %}
<option value="{{ i }}"{% if i in qv.given %} selected{% endif %}>{{ qv.question.options[i].text|striptags }}</option>
{% endfor %}</select>{% if g %}<p class="pick-verdict">{{ 'RIGHT' if g.correct else 'WRONG' }}</p>{% endif %}{% endmacro %}
{% macro hidden(qv) %}{% for i in qv.given %}<input type="hidden" name="{{ qv.question.id }}:picked" value="{{ i }}">{% endfor %}{% endmacro %}
"""

LESSON = """id: beta
kind: lesson
topic: egov
title: {title}
minutes: 10
objectives: portal

::: reminder
- {rule}
:::

::: pick portal
{question}

- ( ) example.kz
- {right} eGov.kz
:::
"""


@pytest.fixture
def pick_type():
    qtypes.register(Pick())
    yield
    qtypes.unregister("pick")


def write_course(tmp_path, right_ru="(*)"):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    folder = root / "basic" / "02-beta"
    (folder / "kk.md").write_text(LESSON.format(title="Бета", rule="Кодты айтпаңыз", question="Портал?", right="(*)"),
                                  encoding="utf-8")
    (folder / "ru.md").write_text(LESSON.format(title="Бета", rule="Не говорите код", question="Портал?",
                                                right=right_ru), encoding="utf-8")
    return root


def test_unknown_type_is_a_content_problem_without_the_registration(tmp_path):
    problems = [str(p) for p in load_course(write_course(tmp_path))[1]]
    assert any("02-beta/kk.md:12: unknown block '::: pick'" in p for p in problems), problems


def test_registered_type_is_parsed_and_checked_with_file_and_line(tmp_path, pick_type):
    course, problems = load_course(write_course(tmp_path))
    assert problems == []
    question = course.items["beta"].question("portal", "ru")
    assert question.type == "pick" and question.correct_indexes == (1,)
    broken = write_course(tmp_path / "broken", right_ru="( )")
    problems = [str(p) for p in load_course(broken)[1]]
    assert any(p.endswith("02-beta/ru.md:12: question 'portal' (pick) needs exactly one (*)") for p in problems), problems


def test_registered_type_is_shown_graded_and_stored(tmp_path, pick_type, make):
    app = make_app(write_course(tmp_path), COURSE_LEVELS=("basic", "second"))
    app.jinja_env.loader = ChoiceLoader([DictLoader({"qtypes/pick.html": TEMPLATE}), app.jinja_env.loader])
    with app.app_context():
        create_schema()
        limiter.reset()
        try:
            client = app.test_client()
            sign_in(client, make.learner())
            page = client.get("/learn/basic/beta").get_data(as_text=True)
            assert '<select class="pick" name="picked">' in page and "Pick one from the list." in page
            url = "/learn/basic/beta/answer/portal"
            wrong = post(client, url, {"picked": "0"}, page="/learn/basic/beta", follow_redirects=True)
            assert "WRONG" in wrong.get_data(as_text=True)
            assert post(client, url, {"picked": "7"}, page="/learn/basic/beta").status_code == 400
            right = post(client, url, {"picked": "1"}, page="/learn/basic/beta", follow_redirects=True)
            assert "RIGHT" in right.get_data(as_text=True)
            answers = db.session.scalars(db.select(Event).where(Event.kind == "answer")).all()
            assert [(e.payload["answer"], e.payload["correct"]) for e in answers] == [([0], False), ([1], True)]
        finally:
            drop_schema()
