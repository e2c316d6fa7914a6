"""Practice exercises (the phone inbox): the format and its checks, scoring, server-driven steps,
bad moves refused with nothing stored, events and the summary, both languages."""

import re
import shutil

import pytest

from app.content.exercise import SERVICES, score
from app.content.loader import load_course
from app.extensions import db
from app.models import Event, ProgressItem
from tests.conftest import FIXTURE_CONTENT, REAL_CONTENT, app_with_schema, post, shared_course, sign_in

PAGE = "/learn/elementary/stay-safe/practice/phone-inbox"
ITEM = "stay-safe/phone-inbox"
RIGHT = ["safe", "call-official", "delete", "call-known", "safe", "call-official"]

EXERCISE = """
::: exercise inbox
service: inbox
hints: {hints}
Intro.

screen: code
channel: sms
from: {sender}
scam: yes
hint: A hint.
Tell me the code.
- [!] tell-code: Tell it
  > Never.
- [x] delete: Delete
  > Right.

screen: notice
channel: sms
from: 1414
scam: no
Your request is done.
- [x] safe: Fine
- [ ] delete: Delete
:::
"""


@pytest.fixture(scope="module")
def real():
    return shared_course(REAL_CONTENT)  # the run's parse of the real course (checked: no problems)


def test_real_inbox_is_the_same_exercise_in_both_languages(real):
    for lesson_id in ("stay-safe", "messenger-scams"):
        kk, ru = (real.items[lesson_id].variant(lang).exercises for lang in ("kk", "ru"))
        assert len(kk) == 1 and kk[0].signature() == ru[0].signature()
        assert len(kk[0].screens) >= 6 and {s.scam for s in kk[0].screens} == {True, False}
    assert real.items["stay-safe"].exercise("phone-inbox", "kk").hints == "shown"
    assert real.items["messenger-scams"].exercise("phone-inbox", "ru").hints == "on-request"


def course_with(tmp_path, kk: str, ru: str):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    for lang, block in (("kk", kk), ("ru", ru)):
        path = root / "basic" / "02-beta" / f"{lang}.md"
        path.write_text(path.read_text(encoding="utf-8") + block, encoding="utf-8")
    return root


def test_exercise_in_a_lesson_parses_and_checks(tmp_path):
    good = EXERCISE.format(hints="shown", sender="+7 7XX XXX XX XX")
    course, problems = load_course(course_with(tmp_path, good, good))
    assert problems == []
    ex = course.items["beta"].exercise("inbox", "ru")
    assert [s.id for s in ex.screens] == ["code", "notice"] and ex.screens[0].moves[0].mark == "critical"


@pytest.mark.parametrize("ru, message", [
    (EXERCISE.format(hints="shown", sender="+7 7XX XXX XX XX").replace("- [x] delete", "- [ ] delete"),
     "02-beta/ru.md:39: screen 'code' has no right move"),
    (EXERCISE.format(hints="shown", sender="+7 7XX XXX XX XX").replace("- [x] safe: Fine", "- [x] safe: Fine\n- [ ] reply: Reply"),
     "02-beta/ru.md:50: screen 'notice': moves or right answers differ from kk.md"),
    (EXERCISE.format(hints="on-request", sender="+7 7XX XXX XX XX"), "02-beta/ru.md:34: exercise 'inbox': service or hints differ"),
    (EXERCISE.format(hints="shown", sender="+7 701 234 56 78"), "02-beta/ru.md:41: screen 'code': '+7 701 234 56 78' is not an official number"),
    (EXERCISE.format(hints="shown", sender="1414").replace("- [!] tell-code", "- [!] call-mom"),
     "02-beta/ru.md:45: move 'call-mom' is not a move of the inbox"),
    (EXERCISE.format(hints="shown", sender="1414").replace("- [x] delete: Delete", "- [x] safe: Delete"),
     "02-beta/ru.md:47: move 'safe' is marked right, but the screen says 'scam: yes'"),
])
def test_broken_copy_is_named_with_file_and_line_and_left_out(tmp_path, ru, message):
    kk = EXERCISE.format(hints="shown", sender="+7 7XX XXX XX XX")
    course, problems = load_course(course_with(tmp_path, kk, ru))
    assert any(message in str(p) for p in problems), [str(p) for p in problems]
    assert "beta" not in course.items  # the server leaves the lesson out rather than fail


def test_score_counts_hits_false_alarms_and_critical_mistakes(real):
    ex = real.items["stay-safe"].exercise("phone-inbox", "kk")
    ids = [s.id for s in ex.screens]
    perfect = score(ex, list(zip(ids, RIGHT)))
    assert (perfect.right, perfect.hits, perfect.scams, perfect.false_alarms, perfect.critical) == (6, 4, 4, 0, 0)
    assert perfect.passed and perfect.score == 1.0
    typical = score(ex, list(zip(ids, ["delete", "tell-code", "delete", "call-known", "delete", "call-official"])))
    assert (typical.right, typical.hits, typical.false_alarms, typical.critical) == (3, 3, 2, 1)
    assert typical.critical_screens == ("bank-security-call",) and not typical.passed
    for screen in ex.screens:  # every move of every screen is graded, and says scam or safe as marked
        for move in screen.moves:
            assert move.id in SERVICES["inbox"].moves
            assert (move.mark == "right") == (move.id in RIGHT[ids.index(screen.id)].split())


@pytest.fixture
def app():
    yield from app_with_schema(REAL_CONTENT)


@pytest.fixture
def learner(app, make):
    client = app.test_client()
    sign_in(client, make.learner(language="kk"))
    return client


def form_of(page: str) -> dict:
    return {name: value for name, value in re.findall(r'name="(attempt|step|screen)" value="([^"]*)"', page)}


def move(client, fields: dict, move_id: str):
    return post(client, PAGE, {**fields, "move": move_id}, page=PAGE)


def stored():
    return db.session.scalars(db.select(Event).where(Event.item_id == ITEM)).all()


def play(client, moves):
    for move_id in moves:
        fields = form_of(client.get(PAGE).get_data(as_text=True))
        assert move(client, fields, move_id).status_code == 302
    return client.get(PAGE).get_data(as_text=True)


def test_lesson_page_links_the_practice(learner):
    page = learner.get("/learn/elementary/stay-safe").get_data(as_text=True)
    assert PAGE in page


def test_done_right_is_stored_as_events_and_summarised(learner):
    first = learner.get(PAGE).get_data(as_text=True)
    assert "Оқу тренажёры" in first and "1414" in first and 'class="ex-hint"' in first  # guided: hint shown
    result = play(learner, RIGHT)
    assert "Дұрыс шешім: 6 ішінен 6" in result and "Қауіпті қателер: 0" in result
    events = stored()
    assert [e.kind for e in events].count("exercise_move") == 6 and events[-1].kind == "exercise_done"
    assert events[-1].payload["score"] == 1.0 and events[-1].payload["critical"] == 0
    row = db.session.get(ProgressItem, (events[-1].user_id, ITEM))
    assert row.kind == "exercise" and row.best_score == 1.0 and row.attempts == 1 and not row.open_attempt


def test_typical_mistake_is_a_critical_mistake(learner):
    play(learner, ["safe", "tell-code", "delete", "call-known", "safe", "call-official"])
    done = stored()[-1]
    assert done.payload["critical"] == 1 and done.payload["critical_screens"] == ["bank-security-call"]
    assert not done.payload["passed"]


def test_bad_moves_are_refused_and_nothing_is_stored(learner):
    fields = form_of(learner.get(PAGE).get_data(as_text=True))
    for bad in ({**fields, "step": "1", "screen": "bank-security-call"},  # a skipped screen
                {**fields, "screen": "bank-security-call"},  # another screen's id
                {**fields, "attempt": "forged"}):
        response = post(learner, PAGE, {**bad, "move": "safe"}, page=PAGE)
        assert response.status_code == 400 and "Ештеңе сақталмады" in response.get_data(as_text=True)
    assert move(learner, fields, "tell-code").status_code == 400  # not a move of this screen
    assert stored() == []
    assert move(learner, fields, "safe").status_code == 302
    assert move(learner, fields, "safe").status_code == 400  # the same form again: replayed
    assert len(stored()) == 1
    play(learner, RIGHT[1:])
    assert move(learner, fields, "safe").status_code == 400  # a form of a finished attempt
    assert len(stored()) == 7


def test_intermediate_hints_on_request_and_russian(app, make):
    client = app.test_client()
    sign_in(client, make.learner(language="ru"))
    page = client.get("/learn/intermediate/messenger-scams/practice/phone-inbox").get_data(as_text=True)
    assert "Учебный тренажёр" in page and '<details class="hint">' in page and 'class="ex-hint"' not in page


def test_class_grid_shows_practice_results_and_hardest_steps(app, make):
    import datetime

    from app.models import Role, TrainingClass

    village = make.village("Солтүстік")
    trainer = make.staff(Role.TRAINER, [village])
    right, wrong = make.learner(village=village, name="Дұрыс Тест"), make.learner(village=village, name="Қате Тест")
    cls = TrainingClass(village=village, level="elementary", day1=datetime.date(2026, 11, 30),
                        day2=datetime.date(2026, 12, 1), venue="x", trainer_id=trainer.id)
    cls.learners.extend([right, wrong])
    db.session.add(cls)
    db.session.commit()
    for learner, moves in ((right, RIGHT), (wrong, ["safe", "tell-code", *RIGHT[2:]])):
        browser = app.test_client()
        sign_in(browser, learner)
        play(browser, moves)
    staff = app.test_client()
    sign_in(staff, trainer)
    text = staff.get(f"/trainer/classes/{cls.id}").get_data(as_text=True)
    from app.course import get_course

    n = [lesson.id for lesson in get_course().level("elementary").lessons].index("stay-safe") + 1
    assert f"{n}: ✓ 100 %" in text and f"{n}: ✗ 83 % · 1 қауіпті қате" in text  # the grid numbers lessons
    steps = text.split("Жаттығудың ең қиын қадамдары")[-1]
    assert "+7 7XX XXX XX XX" in steps and "50 % (2)" in steps and "Кодты айтамын" in steps
