"""The mock bank app (service `bank`): its format and checks, grading of every move (the right path
and the typical mistakes: a transfer to an unexpected name, paying a wrong amount), and playing it
in both languages."""

import pytest

from app.content.exercise import SERVICES, score
from app.content.loader import load_course
from tests.conftest import REAL_CONTENT, post, shared_course, sign_in
from tests.web.test_exercises import app, course_with, form_of  # noqa: F401  (the app fixture)

PAGE = "/learn/elementary/phone-transfers/practice/bank-app"
PAGE_INTERMEDIATE = "/learn/intermediate/payments-and-loans/practice/bank-app"
RIGHT = {"phone-transfers": ["confirm", "cancel", "cancel", "call-official", "block-card"],
         "payments-and-loans": ["cancel", "pay", "cancel", "call-official", "block-card"]}
TYPICAL = ["confirm", "confirm", "pay", "call-official", "block-card"]  # trusts the number, pays 15 000 ₸

BANK = """
::: exercise bank
service: bank
hints: shown
Intro.

screen: transfer
channel: transfer
from: +7 7XX XXX XX XX
{flag}: yes
Recipient: **Asel B.**
- [!] confirm: Confirm
  > The name is not the one you expected.
- [x] cancel: Cancel

screen: qr
channel: qr
from: Shop "Sample"
problem: no
Amount: 1 500.
- [x] pay: Pay
- [ ] cancel: Cancel
:::
"""


@pytest.fixture(scope="module")
def real():
    return shared_course(REAL_CONTENT)  # the run's parse of the real course (checked: no problems)


def test_real_bank_app_is_the_same_in_both_languages(real):
    for lesson_id, hints in (("phone-transfers", "shown"), ("payments-and-loans", "on-request")):
        kk, ru = (real.items[lesson_id].exercise("bank-app", lang) for lang in ("kk", "ru"))
        assert kk.service == "bank" and kk.hints == hints and kk.signature() == ru.signature()
        assert {s.channel for s in kk.screens} == {"transfer", "qr", "sms", "card"}


@pytest.mark.parametrize("lesson_id", ["phone-transfers", "payments-and-loans"])
def test_every_move_is_graded_and_the_right_path_passes(real, lesson_id):
    ex = real.items[lesson_id].exercise("bank-app", "ru")
    ids = [s.id for s in ex.screens]
    right = score(ex, list(zip(ids, RIGHT[lesson_id])))
    assert right.passed and right.score == 1.0 and right.hits == right.scams and right.false_alarms == 0
    for screen, right_move in zip(ex.screens, RIGHT[lesson_id], strict=True):
        for move in screen.moves:
            assert move.id in SERVICES["bank"].moves
            assert (move.mark == "right") == (move.id == right_move), (screen.id, move.id)
            if screen.channel in ("transfer", "qr") and move.id in ("confirm", "pay"):
                # going ahead where something is wrong is the dangerous mistake
                assert (move.mark == "critical") == screen.scam, (screen.id, move.id)


def test_typical_mistakes_are_critical(real):
    ex = real.items["phone-transfers"].exercise("bank-app", "kk")
    result = score(ex, list(zip([s.id for s in ex.screens], TYPICAL)))
    assert result.critical_screens == ("transfer-neighbour", "qr-shop") and not result.passed
    assert (result.right, result.hits, result.scams) == (3, 2, 4)


def test_bank_screens_check_with_file_and_line(tmp_path):
    good = BANK.format(flag="problem")
    course, problems = load_course(course_with(tmp_path, good, good))
    assert problems == [] and course.items["beta"].exercise("bank", "kk").screens[0].scam
    for ru, message in (
        (BANK.format(flag="scam"), "02-beta/ru.md:42: unknown screen key 'scam' (known: channel, from, problem, hint)"),
        (BANK.format(flag="problem").replace("problem: no", "problem: yes"),
         "02-beta/ru.md:53: move 'pay' is marked right, but the screen says 'problem: yes'"),
        (BANK.format(flag="problem").replace("channel: qr", "channel: call"), "02-beta/ru.md:49: screen 'qr': 'channel:'"),
        (BANK.format(flag="problem").replace("problem: no", "problem: yes").replace("- [x] pay", "- [x] cancel: No\n- [ ] pay"),
         "02-beta/ru.md:48: screen 'qr': channel or problem differs from kk.md"),
        (BANK.format(flag="problem").replace("- [!] confirm", "- [ ] confirm"),
         "02-beta/ru.md:39: screen 'transfer': moves or right answers differ from kk.md"),
    ):
        course, problems = load_course(course_with(tmp_path / str(len(message)), good, ru))
        assert any(message in str(p) for p in problems), [str(p) for p in problems]
        assert "beta" not in course.items


def play(client, page, moves):
    for move_id in moves:
        fields = form_of(client.get(page).get_data(as_text=True))
        assert post(client, page, {**fields, "move": move_id}, page=page).status_code == 302
    return client.get(page).get_data(as_text=True)


def test_right_path_in_kazakh(app, make):  # noqa: F811
    client = app.test_client()
    sign_in(client, make.learner(language="kk"))
    lesson = client.get("/learn/elementary/phone-transfers").get_data(as_text=True)
    assert PAGE in lesson and "Банк қосымшасы: 5 экран." in lesson
    first = client.get(PAGE).get_data(as_text=True)
    assert "нағыз банк қосымшасы емес" in first and "Кімге:" in first and 'class="ex-hint"' in first
    result = play(client, PAGE, RIGHT["phone-transfers"])
    assert "Дұрыс шешім: 5 ішінен 5" in result and "Қауіпті қателер: 0" in result


def test_typical_mistake_in_russian_with_hints_on_request(app, make):  # noqa: F811
    client = app.test_client()
    sign_in(client, make.learner(language="ru"))
    first = client.get(PAGE_INTERMEDIATE).get_data(as_text=True)
    assert "не настоящее приложение банка" in first and '<details class="hint">' in first and "Самал К." in first
    fields = form_of(first)
    assert post(client, PAGE_INTERMEDIATE, {**fields, "move": "pay"}, page=PAGE_INTERMEDIATE).status_code == 400
    result = play(client, PAGE_INTERMEDIATE, ["confirm", "pay", "pay", "call-official", "block-card"])
    assert "Опасных ошибок: 2" in result or "Опасные ошибки: 2" in result, result[-3000:]
    assert "Перевод по номеру телефона · <strong>+7 7XX XXX XX XX</strong> (что-то не так)" in result
