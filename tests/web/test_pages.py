"""Every page renders in both languages, with forms that carry a CSRF token."""

import re
from datetime import date

import pytest
from babel.messages.pofile import read_po

from app.extensions import db
from app.models import Role, TrainingClass
from tests.conftest import post, sign_in
from tests.test_translations import TRANSLATIONS

with open(TRANSLATIONS / "messages.pot", "rb") as pot:
    ENGLISH_UI = [m.id for m in read_po(pot) if isinstance(m.id, str) and len(m.id) > 12 and "%" not in m.id]


def pages_for(role, d):
    """(url, expected status) for every page a person in this role may open."""
    if role == "visitor":
        return [("/", 200), ("/login", 200), ("/register", 200), ("/staff/login", 200), ("/class/", 200),
                ("/no-such-page", 404)]
    if role == "learner":
        return [("/learn/", 200), ("/learn/progress", 200), ("/learn/welcome", 200), ("/learn/basic/", 200),
                ("/learn/basic/alpha", 200), ("/learn/basic/beta", 200), ("/learn/basic/basic-pre", 200),
                ("/learn/basic/basic-post", 200), ("/learn/second/", 200), ("/learn/survey/intake", 200),
                ("/learn/survey/exit", 302), ("/learn/basic/nope", 404)]
    if role == "trainer":
        return [("/trainer/", 200), (f"/trainer/learner/{d['learner'].id}", 200), ("/trainer/classes/new", 200),
                (f"/trainer/classes/{d['class'].id}", 200), ("/trainer/problems", 200),
                (f"/trainer/learner/{d['learner'].id}/survey/exit", 200),
                (f"/reports/village/{d['village'].id}", 200), (f"/reports/village/{d['village'].id}.print", 200)]
    return [("/district/", 200), ("/district/trainers", 200), ("/trainer/", 200), ("/reports/district", 200),
            ("/reports/district.print", 200)]


@pytest.fixture
def people(make):
    village = make.village("Абай")
    learner = make.learner(village=village)
    cls = TrainingClass(village=village, level="basic", day1=date(2026, 11, 30), day2=date(2026, 12, 1), venue="x")
    cls.learners.append(learner)
    db.session.add(cls)
    db.session.commit()
    return {"learner": learner, "trainer": make.staff(Role.TRAINER, [village]), "village": village, "class": cls,
            "coordinator": make.staff(Role.COORDINATOR), "visitor": None}


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("role", ["visitor", "learner", "trainer", "coordinator"])
def test_every_page_in_both_languages(client, people, role, lang):
    if people[role] is not None:
        sign_in(client, people[role])
    post(client, "/language", {"lang": lang, "next": "/"}, page="/login")
    for url, status in pages_for(role, people):
        response = client.get(url)
        text = response.get_data(as_text=True)
        assert response.status_code == status, (url, response.status_code)
        if status == 302:
            continue  # a redirect page (e.g. a survey not open yet) has no content of ours
        assert f'<html lang="{lang}">' in text, url
        title = re.search(r"<title>(.*?)</title>", text, re.S)
        assert title and "<" not in title.group(1) and len(title.group(1)) < 200, (url, "a title with markup")
        leftovers = [s for s in ENGLISH_UI if s in text]
        assert leftovers == [], (url, leftovers)
        for form in re.findall(r'<form[^>]*method="post".*?</form>', text, re.S):
            assert 'name="csrf_token"' in form, (url, form[:200])
        if role != "visitor":
            assert 'action="/logout"' in text, f"no sign-out on {url}"


def test_static_urls_follow_the_site_prefix(app):
    """static_url keeps each URL it made (views_common.py) by the site's prefix: a server behind a
    proxy under /auyl must not be given the URLs made for another prefix, nor the other way."""
    for prefix in ("", "/auyl", "", "/other"):
        with app.test_request_context("/", base_url=f"http://localhost{prefix}/"):
            context: dict = {}
            app.update_template_context(context)
            for name in ("site.css", "site.js"):
                assert re.fullmatch(rf"{prefix}/static/{name}\?v=[0-9a-f]{{10}}", context["static_url"](name))
