"""A practice exercise in each lesson that teaches a procedure (issue #15 item 3): the card and QR
lesson (bank app), online shopping (phone inbox) and shopping judgement (phone inbox, hints on
request). The same in both languages, each move graded, the right path passes, the typical
mistake is a critical one, and each plays in the browser's place (the server) in kk and ru."""

import pytest

from app.content.exercise import SERVICES, score
from tests.conftest import REAL_CONTENT, shared_course, sign_in
from tests.web.test_bank_exercise import play
from tests.web.test_exercises import app  # noqa: F401  (the app fixture)

# lesson id -> (level, exercise id, service, hints, right moves, the typical mistake's moves, its critical screens)
EXERCISES = {
    "card-and-qr": ("elementary", "bank-app", "bank", "shown",
                    ["pay", "cancel", "wait", "block-card", "call-official", "delete"],
                    ["pay", "pay", "wait", "call-official", "call-official", "call-back"],
                    ("qr-other-shop", "sms-cvv")),
    "online-shopping": ("elementary", "phone-inbox", "inbox", "shown",
                        ["safe", "delete", "call-official", "delete", "safe", "report"],
                        ["safe", "open-link", "call-official", "delete", "safe", "tell-code"],
                        ("kazpost-card-link", "refund-call")),
    "shopping-judgement": ("intermediate", "phone-inbox", "inbox", "on-request",
                           ["delete", "safe", "delete", "safe", "call-official"],
                           ["tell-code", "safe", "open-link", "safe", "call-official"],
                           ("olx-safe-deal", "olx-fake-delivery")),
}


@pytest.fixture(scope="module")
def real():
    return shared_course(REAL_CONTENT)  # the run's parse of the real course (checked: no problems)


@pytest.mark.parametrize("lesson_id", EXERCISES)
def test_same_in_both_languages_and_every_move_graded(real, lesson_id):
    _, ex_id, service, hints, right, typical, critical = EXERCISES[lesson_id]
    kk, ru = (real.items[lesson_id].exercise(ex_id, lang) for lang in ("kk", "ru"))
    assert kk.service == service and kk.hints == hints and kk.signature() == ru.signature()
    assert {s.scam for s in kk.screens} == {True, False}  # safe screens too: not everything is a scam
    ids = [s.id for s in kk.screens]
    for ex in (kk, ru):
        perfect = score(ex, list(zip(ids, right, strict=True)))
        assert perfect.passed and perfect.score == 1.0 and perfect.hits == perfect.scams
        assert perfect.false_alarms == 0
        mistaken = score(ex, list(zip(ids, typical, strict=True)))
        assert mistaken.critical_screens == critical and not mistaken.passed
    for screen, right_move in zip(kk.screens, right, strict=True):
        assert screen.hint, screen.id
        for move in screen.moves:
            assert move.id in SERVICES[service].moves and move.feedback, (screen.id, move.id)
            assert (move.mark == "right") == (move.id == right_move), (screen.id, move.id)


def test_card_lesson_blocks_the_card_before_calling_the_bank(real):
    """The lesson's order: block the card in the app, then call the bank on the number on the card."""
    ex = real.items["card-and-qr"].exercise("bank-app", "ru")
    screens = {s.id: s for s in ex.screens}
    unknown, blocked = screens["notice-unknown"], screens["card-blocked"]
    assert unknown.move("block-card").mark == "right" and unknown.move("call-official").mark == "wrong"
    assert blocked.move("call-official").mark == "right"
    assert ex.screens.index(unknown) < ex.screens.index(blocked)
    for screen in ex.screens:  # going ahead where something is wrong is the dangerous mistake
        if screen.channel == "qr":
            assert (screen.move("pay").mark == "critical") == screen.scam


@pytest.mark.parametrize("lesson_id, lang, done", [
    ("card-and-qr", "kk", "Дұрыс шешім: 6 ішінен 6"),
    ("online-shopping", "ru", "6 из 6"),
    ("shopping-judgement", "kk", "Дұрыс шешім: 5 ішінен 5"),
    ("shopping-judgement", "ru", "5 из 5"),
])
def test_played_rightly_from_the_lesson_page(app, make, lesson_id, lang, done):  # noqa: F811
    level, ex_id, _, hints, right, _, _ = EXERCISES[lesson_id]
    client = app.test_client()
    sign_in(client, make.learner(language=lang))
    page = f"/learn/{level}/{lesson_id}/practice/{ex_id}"
    assert page in client.get(f"/learn/{level}/{lesson_id}").get_data(as_text=True)
    first = client.get(page).get_data(as_text=True)
    assert ('<details class="hint">' in first) == (hints == "on-request")
    result = play(client, page, right)
    assert done in result, result[-3000:]
