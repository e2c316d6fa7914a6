"""The mock services played in a real Chromium on a phone screen, the way a learner does: the eGov
portal rightly (typing the IIN, the password and the codes from the simulated phone) and with the
typical mistake (the code given in the pop-up), and the bank app. Each move is a plain form."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_learner_journey import serious_violations, sign_in
from tests.web import test_bank_exercise as bank
from tests.web import test_egov_exercise as egov

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
EGOV = "/learn/elementary/egov-certificate/practice/egov-portal"
BANK = "/learn/elementary/phone-transfers/practice/bank-app"
TYPED = {"iin": "123456789012", "password": "demo-1234"}


def open_practice(page, base, url, lang):
    if page.locator("html").get_attribute("lang") != lang:
        page.click(f'button[name="lang"][value="{lang}"]')
    page.goto(base + url + "?new=1")


def make_move(page, move_id, lang="kk", shot=None):
    """Type what the screen asks for (the code from the phone beside the page), then press the move."""
    for field in page.locator('#screen input[name^="field-"]').all():
        name = field.get_attribute("name")[6:]
        if name == "code":
            field.fill(re.search(r"\d{6}", page.locator(".sms-phone .msg").inner_text()).group(0))
        elif name == "query":
            field.fill(egov.QUERY[lang])
        elif name in TYPED:
            field.fill(TYPED[name])
    if shot:
        shot(page)
    with page.expect_navigation():
        page.click(f'#screen button[name="move"][value="{move_id}"]')


def play(page, moves, lang="kk", shot=None):
    for move_id in moves:
        make_move(page, move_id, lang, shot)


def test_egov_portal_done_rightly_in_kazakh(browser, live_app):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_app.base_url)
    open_practice(page, live_app.base_url, EGOV, "kk")
    assert "ОҚУ КӨШІРМЕСІ" in page.locator(".mock-banner").inner_text()
    play(page, egov.RIGHT[:2])
    assert page.locator(".sms-phone").is_visible() and page.locator('[role="dialog"]').is_visible()
    assert "1414" in page.locator(".sms-phone").inner_text()
    assert serious_violations(page) == []  # the pop-up and the phone, with the screen reader's view
    play(page, egov.RIGHT[2:])
    result = page.locator(".ex-result").inner_text()
    assert "9 ішінен 9" in result and "Қауіпті қателер: 0" in result
    context.close()


def test_egov_code_given_in_the_popup_in_russian(browser, live_app):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_app.base_url)
    open_practice(page, live_app.base_url, EGOV, "ru")
    play(page, egov.RIGHT[:2], "ru")
    code = re.search(r"\d{6}", page.locator(".sms-phone .msg").inner_text()).group(0)
    page.fill('input[name="field-chat"]', code)  # what the scammer asks for
    with page.expect_navigation():
        page.click('#screen button[name="move"][value="tell-code"]')
    feedback = page.locator(".ex-fb").inner_text()
    assert "Опасная ошибка!" in feedback and "нужен только вам" in feedback
    # a slip: a wrong code in the portal's own field shows the screen again, with what to do
    page.fill('input[name="field-code"]', "0" if code != "0" * 6 else "1")
    with page.expect_navigation():
        page.click('#screen button[name="move"][value="enter-code"]')
    assert "Это не тот код" in page.locator(".slip").inner_text()
    assert serious_violations(page) == []
    play(page, egov.RIGHT[3:], "ru")
    assert "Опасных ошибок: 1" in page.locator(".ex-figures").inner_text() or \
        "Опасные ошибки: 1" in page.locator(".ex-figures").inner_text()
    context.close()


def test_bank_app_rightly_and_with_the_typical_mistake(browser, live_app):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_app.base_url)
    open_practice(page, live_app.base_url, BANK, "kk")
    assert "банк қосымшасы емес" in page.locator(".mock-banner").inner_text()
    play(page, bank.RIGHT["phone-transfers"])
    assert "5 ішінен 5" in page.locator(".ex-result").inner_text()
    open_practice(page, live_app.base_url, BANK, "ru")
    play(page, bank.TYPICAL[:2], "ru")  # confirms a transfer to an unexpected name
    assert "Опасная ошибка!" in page.locator(".ex-fb").inner_text()
    play(page, bank.TYPICAL[2:], "ru")
    assert serious_violations(page) == []
    assert "2" in page.locator(".ex-figures li").last.inner_text()
    context.close()
