"""Every page renders in both languages, with forms that carry a CSRF token."""

import re

import pytest
from babel.messages.pofile import read_po

from app.models import Role
from tests.conftest import post, sign_in
from tests.test_translations import TRANSLATIONS

with open(TRANSLATIONS / "messages.pot", "rb") as pot:
    ENGLISH_UI = [m.id for m in read_po(pot) if isinstance(m.id, str) and len(m.id) > 12 and "%" not in m.id]


def pages_for(role, d):
    if role == "visitor":
        return ["/", "/login", "/register", "/staff/login", "/no-such-page"]
    if role == "learner":
        return ["/learn/", "/learn/progress", "/learn/basic/", "/learn/basic/alpha", "/learn/basic/beta",
                "/learn/basic/basic-pre", "/learn/basic/basic-post", "/learn/second/", "/learn/basic/nope"]
    if role == "trainer":
        return ["/trainer/", f"/trainer/learner/{d['learner'].id}"]
    return ["/district/", "/trainer/"]


@pytest.fixture
def people(make):
    village = make.village("Абай")
    return {"learner": make.learner(village=village), "trainer": make.staff(Role.TRAINER, [village]),
            "coordinator": make.staff(Role.COORDINATOR), "visitor": None}


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("role", ["visitor", "learner", "trainer", "coordinator"])
def test_every_page_in_both_languages(client, people, role, lang):
    if people[role] is not None:
        sign_in(client, people[role])
    post(client, "/language", {"lang": lang, "next": "/"}, page="/login")
    for url in pages_for(role, people):
        response = client.get(url)
        text = response.get_data(as_text=True)
        assert response.status_code in (200, 404), (url, response.status_code)
        assert f'<html lang="{lang}">' in text, url
        leftovers = [s for s in ENGLISH_UI if s in text]
        assert leftovers == [], (url, leftovers)
        for form in re.findall(r'<form[^>]*method="post".*?</form>', text, re.S):
            assert 'name="csrf_token"' in form, (url, form[:200])
        if role != "visitor":
            assert 'action="/logout"' in text, f"no sign-out on {url}"
