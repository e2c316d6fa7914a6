"""A learner at home on a phone (issue #13), in a real Chromium with its network switched off:
save a level, answer in a saved lesson and a saved test offline, come back online, and find
each answer stored exactly once, also when the server's acknowledgement is lost.

One live server for the module; each test signs in a different demo learner, so they stay
independent without reloading the demo."""

from __future__ import annotations

import os
import shutil
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.content.grading import display_order
from app.course import get_course
from app.extensions import db
from app.models import Event, User
from tests.browser.test_learner_journey import PHONE, sign_in
from tests.conftest import DATABASE_URL, REAL_CONTENT, make_app, serving

pytestmark = pytest.mark.browser
# Screenshots for a person to look at, only when asked for (AUYL_SHOTS=folder): a test run
# writes nothing outside its own temporary files, and skips their cost.
SHOTS = Path(os.environ["AUYL_SHOTS"]) if os.environ.get("AUYL_SHOTS") else None
LEVEL = "/learn/elementary/"


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_sqlite):
    if DATABASE_URL:
        pytest.skip("the offline journey runs on the SQLite demo copy (one server for the module)")
    from waitress import create_server

    path = tmp_path_factory.mktemp("offline") / "offline.sqlite"
    shutil.copyfile(demo_sqlite, path)
    app = make_app(REAL_CONTENT, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", SQLALCHEMY_ENGINE_OPTIONS={})
    with serving(create_server(app, host="127.0.0.1", port=0, threads=4)) as server:
        app.base_url = f"http://localhost:{server.effective_port}"  # a secure context, as HTTPS would be
        yield app


def take_shot(page, name: str, full_page: bool = False) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=full_page)


def stored(app, code: str, kind: str) -> list[Event]:
    with app.app_context():
        learner = db.session.scalar(db.select(User).where(User.login_code == code))
        rows = list(db.session.scalars(db.select(Event).where(Event.user_id == learner.id, Event.kind == kind)))
        db.session.remove()
        return rows


def wait_for(page, check, seconds=10.0):
    """Wait for the database; meanwhile Playwright runs the page's events and our route handlers."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(100)


def save_level(page, base, lang="kk"):
    page.goto(base + LEVEL)
    saver = page.locator("#offline-save")
    expect(saver.locator(".offline-state")).to_contain_text("КБ")  # the size, before saving
    saver.scroll_into_view_if_needed()
    take_shot(page, f"level-before-{lang}-360.png")
    saver.locator("[data-save]").click()
    saver.locator("[data-remove]").wait_for()  # shown once everything is in the cache
    state = saver.locator(".offline-state").inner_text()
    assert ("Телефонда сақталды" if lang == "kk" else "Сохранено на этом телефоне") in state
    return state


def question_of(app, lesson_id: str, question_id: str):
    with app.app_context():
        return get_course().items[lesson_id].question(question_id, "kk")


def fill(section, question, secret, prefix="", right=True):
    """Answer the way a person would (radios, boxes, selects); wrong = one wrong choice."""
    shown = display_order(question, secret)
    if question.type == "order":
        for d, original in enumerate(shown):
            section.locator(f'select[name="{prefix}pos-{d}"]').select_option(str(original + 1))
    elif question.type == "match":
        where = {original: d for d, original in enumerate(shown)}
        for i in range(len(question.options)):
            section.locator(f'select[name="{prefix}pair-{i}"]').select_option(str(where[i]))
    else:
        wrong = [i for i in range(len(question.options)) if i not in question.correct_indexes][:1]
        for i in question.correct_indexes if right else wrong:
            section.locator(f'input[name="{prefix}choice"][value="{i}"]').check()


def answer_two_offline(page, app, base, shot=None):
    """Open the saved lesson with no network; one wrong answer (its feedback read), one right."""
    lesson = get_lesson_url(app)
    response = page.goto(base + lesson)
    assert response is None or response.ok  # served by the service worker from the saved copy
    secret = app.config["SECRET_KEY"]
    first = page.locator("#q-egov-what")
    fill(first, question_of(app, "digital-services", "egov-what"), secret, right=False)
    first.locator("button").click()
    feedback = first.locator(".fb-line.wrong")
    feedback.wait_for()
    assert "✗" in feedback.inner_text() and len(feedback.inner_text()) > 30  # the choice's own "why"
    assert "is-wrong" in first.get_attribute("class")
    second = page.locator("#q-which-service")
    fill(second, question_of(app, "digital-services", "which-service"), secret)
    second.locator("button").click()
    second.locator(".verdict").wait_for()
    assert "is-right" in second.get_attribute("class")
    page.locator("#outbox").wait_for()
    assert "2" in page.locator("#outbox").inner_text()
    if shot:  # the outbox line at the top, then the feedback of the wrong answer
        page.evaluate("window.scrollTo(0, 0)")
        take_shot(page, f"lesson-outbox-{shot}")
        first.locator(".fb-line.wrong").scroll_into_view_if_needed()
        take_shot(page, f"lesson-feedback-{shot}")
    return lesson


def get_lesson_url(app):
    return "/learn/elementary/digital-services"


def test_answers_given_offline_are_stored_once_when_back_online(browser, server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    base = server.base_url
    sign_in(page, base, "aigul", "2580")
    save_level(page, base)
    take_shot(page, "level-saved-kk-360.png")
    context.set_offline(True)
    answer_two_offline(page, server, base, shot="kk-360.png")
    assert stored(server, "aigul", "answer") == []
    context.set_offline(False)  # the page's script sends them as the network returns
    wait_for(page, lambda: len(stored(server, "aigul", "answer")) >= 2)
    page.locator("#outbox").wait_for(state="hidden")
    answers = stored(server, "aigul", "answer")
    assert sorted((e.question_id, e.payload["correct"]) for e in answers) == [
        ("egov-what", False), ("which-service", True)]
    assert len({e.client_id for e in answers}) == 2 and None not in {e.client_id for e in answers}
    assert stored(server, "aigul", "lesson_opened") == []  # saving was not a visit
    page.evaluate("caches.delete('auyl-saved')")  # someone clears the browser's data
    page.goto(base + LEVEL)
    expect(page.locator("#offline-save .offline-state")).to_contain_text("браузер деректері тазартылған")
    context.close()


def test_a_lost_acknowledgement_does_not_store_an_answer_twice(browser, server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    base = server.base_url
    sign_in(page, base, "bolat", "3691")
    page.click('.lang button[value="ru"]')
    save_level(page, base, lang="ru")
    context.set_offline(True)
    answer_two_offline(page, server, base, shot="ru-360.png")
    lost = []

    def drop_the_answer(route):
        if route.request.method != "POST":
            return route.continue_()
        # The server stores it (sent here as the browser would) ...
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
        headers = {**route.request.headers, "Cookie": cookies}
        request = urllib.request.Request(route.request.url, data=route.request.post_data_buffer, headers=headers)
        with urllib.request.urlopen(request) as response:
            lost.append(response.status)
        route.abort("connectionreset")  # ... and the phone never hears back

    context.route("**/learn/outbox", drop_the_answer)
    context.set_offline(False)
    wait_for(page, lambda: len(stored(server, "bolat", "answer")) >= 1)
    assert lost  # the answer reached the server, the acknowledgement did not
    assert "2" in page.locator("#outbox").inner_text()  # both still waiting on the phone
    context.unroute("**/learn/outbox")
    page.reload()  # the next page view sends what is still waiting
    wait_for(page, lambda: len(stored(server, "bolat", "answer")) >= 2)
    page.locator("#outbox").wait_for(state="hidden")
    answers = stored(server, "bolat", "answer")
    assert sorted(e.question_id for e in answers) == ["egov-what", "which-service"]
    context.close()


def test_a_test_answered_offline_is_graded_when_it_arrives(browser, server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    base = server.base_url
    sign_in(page, base, "dana", "4702")
    page.click('.lang button[value="ru"]')
    save_level(page, base, lang="ru")
    take_shot(page, "level-saved-ru-360.png")
    context.set_offline(True)
    with server.app_context():  # the form this learner takes first (forms are counterbalanced)
        from app.progress import derive

        level = get_course().level("elementary")
        dana = db.session.scalar(db.select(User).where(User.login_code == "dana"))
        test = derive.forms(level, derive.assigned_order(level.id, dana.id))[0]
        questions = test.variant("ru").questions
    page.goto(base + f"/learn/elementary/{test.id}")
    for question in questions:  # the whole test on one saved page
        fill(page.locator(f"#q-{question.id}"), question, server.config["SECRET_KEY"], prefix=f"{question.id}:")
    page.click('button[value="finish"]')
    page.locator(".fb-queued").wait_for()
    page.evaluate("window.scrollTo(0, 0)")
    take_shot(page, "test-queued-ru-360.png")
    assert stored(server, "dana", "test_taken") == []
    context.set_offline(False)
    page.locator(".fb-queued a").wait_for()  # "your test has reached the server: see the result"
    take_shot(page, "test-sent-ru-360.png")
    taken = stored(server, "dana", "test_taken")
    assert len(taken) == 1 and taken[0].payload["correct"] == len(questions)
    page.locator(".fb-queued a").click()
    assert "/learn/elementary/" in page.url
    context.close()


def test_answers_wait_for_the_learner_who_gave_them_on_a_shared_phone(browser, server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    base = server.base_url
    sign_in(page, base, "erzhan", "5813")
    save_level(page, base)
    context.set_offline(True)
    answer_two_offline(page, server, base)
    context.clear_cookies()  # meanwhile erzhan's session ended
    context.set_offline(False)
    page.reload()  # the sign-in page: nothing is sent for no one
    assert stored(server, "erzhan", "answer") == []
    before = len(stored(server, "aigul", "answer"))
    sign_in(page, base, "aigul", "2580")  # another learner on the same phone
    expect(page.locator("#outbox")).to_contain_text("2")  # "2 answers of another learner ..."
    take_shot(page, "other-learner-kk-360.png")
    assert stored(server, "erzhan", "answer") == [] and len(stored(server, "aigul", "answer")) == before
    page.click("#signout button")  # the saved pages go with aigul; erzhan's answers stay
    expect(page.locator("#signout")).to_have_count(0)
    sign_in(page, base, "erzhan", "5813")  # back: now they go
    wait_for(page, lambda: len(stored(server, "erzhan", "answer")) >= 2)
    page.locator("#outbox").wait_for(state="hidden")
    assert sorted(e.question_id for e in stored(server, "erzhan", "answer")) == ["egov-what", "which-service"]
    assert len(stored(server, "aigul", "answer")) == before
    context.close()


def test_a_practice_done_offline_is_stored_once_when_back_online(browser, server):
    """Issue #15: the saved lesson's practice, played with no network from the saved key (a
    dangerous mistake first, its feedback read), queued whole, replayed by the server once."""
    from app.content.exercise import score
    from app.progress.kinds import exercise_item

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    base = server.base_url
    sign_in(page, base, "dana", "4702")
    page.click('.lang button[value="ru"]')
    save_level(page, base, lang="ru")
    with server.app_context():
        exercise = get_course().items["stay-safe"].exercise("phone-inbox", "ru")
    first = exercise.screens[0]
    plan = [(first.id, next(m for m in first.moves if m.mark != "right").id)]
    plan += [(s.id, next(m for m in s.moves if m.mark == "right").id) for s in exercise.screens[1:]]

    def practice_done():
        return [e for e in stored(server, "dana", "exercise_done") if e.item_id == exercise_item("stay-safe", "phone-inbox")]

    before = len(practice_done())
    context.set_offline(True)
    response = page.goto(base + "/learn/elementary/stay-safe/practice/phone-inbox")
    assert response is None or response.ok  # the saved page, not "this page is not saved"
    for step, (_, move) in enumerate(plan):
        page.locator(f'#screen button[value="{move}"]').click()
        if step == 0:  # the feedback of the mistake, as the page shows it online
            feedback = page.locator(".ex-fb")
            expect(feedback).to_contain_text(first.move(move).feedback[:20])
            assert "✗" in feedback.inner_text()
            take_shot(page, "practice-feedback-ru-360.png")
        if step + 1 < len(plan):
            expect(page.locator('#screen input[name="step"]')).to_have_value(str(step + 1))
    page.locator(".ex-result .fb-queued").wait_for()
    result = score(exercise, plan)
    expect(page.locator(".ex-figures")).to_contain_text(f"{result.right} из {result.total}")
    assert page.locator(".ex-review li").count() == len(plan)
    take_shot(page, "practice-queued-ru-360.png", full_page=True)
    assert len(practice_done()) == before  # nothing has left the phone
    page.locator(".ex-result a.button").first.click()  # "Try again": a new attempt, here on the phone
    expect(page.locator('#screen input[name="step"]')).to_have_value("0")
    context.set_offline(False)
    wait_for(page, lambda: len(practice_done()) > before)
    page.locator("#outbox").wait_for(state="hidden")
    page.reload()  # a page view sends what waits: nothing does
    done = practice_done()
    assert len(done) == before + 1 and done[-1].client_id is not None
    assert done[-1].payload["moves"] == [list(m) for m in plan]
    assert done[-1].payload["right"] == result.right and done[-1].payload["critical"] == result.critical
    moves = [e for e in stored(server, "dana", "exercise_move") if e.payload.get("attempt") == done[-1].payload["attempt"]]
    assert len(moves) == len(plan)
    context.close()


def test_the_egov_practice_plays_offline_with_its_phone_codes(browser, server):
    """The eGov portal, opened with the network that then goes: typed fields checked on the phone
    (a slip shows the screen again with what to fix), the SMS codes made on the phone from the
    attempt's id; the server accepts them when it arrives."""
    import re

    from app.content.exercise import RIGHT
    from app.progress.kinds import exercise_item

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    base = server.base_url
    sign_in(page, base, "bolat", "3691")
    page.click('.lang button[value="ru"]')
    save_level(page, base, lang="ru")
    with server.app_context():
        exercise = get_course().items["egov-certificate"].exercise("egov-portal", "ru")

    def practice_done():
        return [e for e in stored(server, "bolat", "exercise_done")
                if e.item_id == exercise_item("egov-certificate", "egov-portal")]

    before = len(practice_done())
    page.goto(base + "/learn/elementary/egov-certificate/practice/egov-portal")  # opened with the network ...
    page.locator('#outbox[data-practice="saved"]').wait_for(state="attached")  # the script has its saved key
    context.set_offline(True)  # ... which goes: the attempt carries on on the phone, under the page's id
    attempt = page.locator('#screen input[name="attempt"]').input_value()
    for step, screen in enumerate(exercise.screens):
        for name, value in screen.fields:
            if name == "code":
                value = re.search(r"\d{6}", page.locator(".sms-phone .msg").inner_text()).group(0)
            if name == "password" and step == 1:  # a slip first: the screen comes again, saying what to fix
                page.fill("#f-password", "demo-0000")
                page.fill("#f-iin", screen.fields[0][1])
                page.locator('#screen button[value="sign-in"]').click()
                expect(page.locator("#f-password[aria-invalid]")).to_be_visible()
                take_shot(page, "practice-egov-slip-ru-360.png")
                page.fill("#f-iin", screen.fields[0][1])  # the screen comes blank, as online
            if name != "chat":
                page.fill(f"#f-{name}", value)
        page.locator(f'#screen button[value="{next(m.id for m in screen.moves if m.mark == RIGHT)}"]').click()
        if step + 1 < len(exercise.screens):
            expect(page.locator('#screen input[name="step"]')).to_have_value(str(step + 1))
    page.locator(".ex-result .fb-queued").wait_for()
    expect(page.locator(".ex-figures")).to_contain_text(f"{len(exercise.screens)} из {len(exercise.screens)}")
    assert len(practice_done()) == before
    context.set_offline(False)
    wait_for(page, lambda: len(practice_done()) > before)
    done = practice_done()[-1]
    assert done.payload["passed"] and done.payload["right"] == len(exercise.screens) and done.client_id
    assert done.payload["attempt"] == attempt == done.client_id.hex
    context.close()
