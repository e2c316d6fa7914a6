"""A new learner's way through the site in a real Chromium, in Kazakh and Russian, with axe."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from app.content.grading import display_order
from app.course import get_course

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def sign_in(page, base, code="aigul", pin="2580"):
    page.goto(base + "/login")
    page.fill("#code", code)
    page.fill("#pin", pin)
    page.click("form.stack button")
    page.wait_for_url("**/learn/")


def answer_right(page, app, lesson, question):
    """Fill in the right answer the way a person would: radios, boxes and selects."""
    section = page.locator(f"#q-{question.id}")
    secret = app.config["SECRET_KEY"]
    shown = display_order(question, secret)
    if question.type == "order":
        for d, original in enumerate(shown):
            section.locator(f'select[name="pos-{d}"]').select_option(str(original + 1))
    elif question.type == "match":
        where = {original: d for d, original in enumerate(shown)}
        for i in range(len(question.options)):
            section.locator(f'select[name="pair-{i}"]').select_option(str(where[i]))
    else:
        for box in section.locator('input[name="choice"][type="checkbox"]').all():  # a radio unchecks itself
            if box.is_checked():
                box.uncheck()
        for i in question.correct_indexes:
            section.locator(f'input[name="choice"][value="{i}"]').check()
    section.locator("button").click()


def test_learner_journey_in_both_languages(browser, live_app):
    base = live_app.base_url
    with live_app.app_context():
        lesson = get_course().level("elementary").lessons[0]
        questions = lesson.variant("kk").questions
    context = browser.new_context(viewport=PHONE, locale="ru-RU")
    page = context.new_page()
    page.goto(base + "/")
    assert page.locator("html").get_attribute("lang") == "kk"  # Kazakh by default, even in a Russian browser
    assert serious_violations(page) == []
    check_registration_form(page)
    sign_in(page, base)
    page.click("text=Бастапқы деңгей")
    assert serious_violations(page) == []
    page.click(f"text={lesson.variant('kk').title}")
    assert serious_violations(page) == []

    first = questions[0]
    wrong = next(i for i, o in enumerate(first.options) if not o.correct) if first.type == "single" else None
    if wrong is not None:
        section = page.locator(f"#q-{first.id}")
        section.locator(f'input[name="choice"][value="{wrong}"]').check()
        section.locator("button").click()
        page.locator(f"#q-{first.id}.is-wrong").wait_for()
        assert "Жауабыңыз әзірге дұрыс емес" in page.locator(f"#q-{first.id} .verdict").inner_text()
        feedback = page.locator(f"#q-{first.id} .fb-line").first.inner_text()
        assert feedback.strip()  # the reason why it is wrong
    for question in questions[:-1]:
        answer_right(page, live_app, lesson, question)
        page.locator(f"#q-{question.id}.is-right").wait_for()
    with page.expect_navigation():  # the last answer finishes the lesson: the page reloads
        answer_right(page, live_app, lesson, questions[-1])
    assert "Меңгерілді" in page.locator(".lesson-state").inner_text()

    page.click('button[name="lang"][value="ru"]')
    page.goto(base + "/learn/elementary/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert "Освоен" in page.locator("ol.items").inner_text()
    assert serious_violations(page) == []
    page.click("#signout button")
    page.wait_for_url(base + "/")
    context.close()

    home = browser.new_context(viewport={"width": 1280, "height": 800})  # "at home", another browser
    page = home.new_page()
    sign_in(page, base)
    assert page.locator("html").get_attribute("lang") == "ru"  # the language stayed with the account
    page.click("a.button.big")  # continue where you stopped
    second = get_lesson_title(live_app, 1, "ru")
    assert page.locator("h1").first.inner_text() == second
    home.close()


def check_registration_form(page):
    """A real "Register" button beside "Sign in"; the PIN rules before typing; every problem at once."""
    buttons = page.locator("main a.button")
    assert buttons.count() == 2
    register = page.locator("main a.button", has_text="Тіркелу")
    register.click()
    page.wait_for_url("**/register")
    assert "1234" in page.locator("#pin-help").inner_text()  # the rules, before anything is typed
    page.fill("#name", "Сәуле Тест")
    page.fill("#pin", "1111")
    page.fill("#pin_again", "1112")
    page.click("form.stack button")
    page.wait_for_selector("#problems")  # the server answered: the browser did not stop at the first field
    for field in ("village", "pin", "pin_again", "consent"):
        assert page.locator(f"#{field}-error").is_visible(), field
    assert page.locator("#problems li").count() == 4
    assert page.input_value("#name") == "Сәуле Тест" and page.input_value("#pin") == ""
    assert serious_violations(page) == []


def get_lesson_title(app, index, lang):
    with app.app_context():
        return get_course().level("elementary").lessons[index].variant(lang).title


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_pages_have_no_serious_accessibility_problems(browser, live_app, lang):
    base = live_app.base_url
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(base + "/login")
    if lang == "ru":
        page.click('button[name="lang"][value="ru"]')
    for url in ("/", "/login", "/register", "/staff/login"):
        page.goto(base + url)
        assert serious_violations(page) == [], url
    sign_in(page, base, code="bolat", pin="3691")
    for url in ("/learn/", "/learn/progress", "/learn/intermediate/", "/learn/elementary/elementary-test-a",
                "/learn/intermediate/payments-and-loans", "/learn/elementary/elementary-test-b", "/learn/nope/"):
        page.goto(base + url)
        assert page.locator("html").get_attribute("lang") == lang
        assert serious_violations(page) == [], url
    context.close()


def test_works_without_javascript(browser, live_app):
    base = live_app.base_url
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, base, code="dana", pin="4702")
    page.goto(base + "/learn/elementary/egov-first-steps")
    with live_app.app_context():
        question = get_course().items["egov-first-steps"].variant("kk").questions[0]
    answer_right(page, live_app, None, question)
    page.wait_for_load_state("load")
    assert page.url.endswith(f"#q-{question.id}")
    assert "Жауабыңыз дұрыс." in page.locator(f"#q-{question.id} .verdict").inner_text()
    context.close()
