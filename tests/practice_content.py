"""The fixture content with practice exercises: two small phone-inbox exercises (app/content/
exercise.py) in the lesson "beta" of the level "basic", the same in both languages; "alpha" and
"gamma" keep none. For the tests of mastery with practice."""

import shutil

from app.content.grading import InvalidAnswer, grade
from tests.conftest import FIXTURE_CONTENT, app_with_schema

PRACTICE = """
::: exercise {eid}
service: inbox
hints: shown

screen: code
channel: sms
from: +7 7XX XXX XX XX
scam: yes
Tell me the code.
- [!] tell-code: Tell it
  > Never.
- [x] delete: Delete
  > Right.
- [ ] safe: Fine
  > No.

screen: notice
channel: sms
from: 1414
scam: no
Your request is done.
- [x] safe: Fine
- [ ] delete: Delete
:::
"""


def content_with_practice(root):
    """The fixture content, with the exercises "inbox" and "calls" in the lesson "beta"."""
    shutil.copytree(FIXTURE_CONTENT, root)
    for lang in ("kk", "ru"):
        path = root / "basic" / "02-beta" / f"{lang}.md"
        extra = PRACTICE.format(eid="inbox") + PRACTICE.format(eid="calls")
        path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return root


def graded_answer(question, right: bool) -> tuple[int, ...]:
    """An answer that grading marks right (or wrong)."""
    n = len(question.options)
    candidates = [question.correct_indexes, tuple(range(n)), *((i,) for i in range(n)), tuple(reversed(range(n)))]
    for answer in candidates:
        try:
            if answer and grade(question, answer).correct == right:
                return answer
        except InvalidAnswer:  # grading's, for an answer that does not fit this type
            continue
    raise AssertionError(f"no {'right' if right else 'wrong'} answer found for {question.id}")


def practice_app(tmp_path):
    """An app on the content with practice, its schema made and dropped around the test (the
    body of a test module's `app` fixture: `yield from practice_app(tmp_path)`)."""
    yield from app_with_schema(content_with_practice(tmp_path / "content"))
