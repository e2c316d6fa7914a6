"""The lesson page put together from kept pieces (app/learn/lesson_cache.py) is the page rendered
afresh, for each learner and language, and a changed lesson is never shown from old pieces."""

import re
from dataclasses import replace

import pytest

from app.content.model import Box, Question
from app.course import get_course
from app.learn.lesson_cache import EXTENSION
from app.progress import record
from tests.conftest import sign_in
from tests.web.test_learn import LESSON, right_answers

TOKEN = re.compile(r'name="csrf_token" value="[^"]+"')


def page(client, url=LESSON) -> str:
    """The page as served, with its CSRF token (new in every request, one per page) made equal."""
    response = client.get(url)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert len(set(TOKEN.findall(text))) == 1  # every form of the page carries this request's token
    return TOKEN.sub('name="csrf_token" value="T"', text)


def fresh_page(app, client, url=LESSON) -> str:
    app.config["LESSON_CACHE_SIZE"] = 0
    try:
        return page(client, url)
    finally:
        app.config["LESSON_CACHE_SIZE"] = 4096


def given(question: Question, right: bool) -> tuple[int, ...]:
    """A right or a wrong answer to `question`, in its own index space."""
    n = len(question.options)
    if question.type in ("single", "truefalse"):
        return (next(i for i, o in enumerate(question.options) if o.correct == right),)
    if question.type == "multiple":
        return question.correct_indexes if right else (next(i for i, o in enumerate(question.options) if not o.correct),)
    return tuple(range(n)) if right else tuple(reversed(range(n)))


def answer_some(learner, lang: str, count: int, first_right: bool = True) -> None:
    """Right and wrong answers in turn to the first `count` questions of lesson alpha."""
    lesson = get_course().items["alpha"]
    record.open_lesson(learner, lesson, lang)
    for k, question in enumerate(lesson.variant(lang).questions[:count]):
        record.answer_question(learner, lesson, question, given(question, right=(k % 2 == 0) == first_right), lang)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_kept_pieces_give_the_fresh_page_for_each_learner(app, client, make, lang):
    questions = get_course().items["alpha"].variant(lang).questions
    assert {q.type for q in questions} >= {"single", "order", "match"}  # the fixture has every kind
    first = make.learner(language=lang)
    answer_some(first, lang, len(questions) - 1)  # all but one: the lesson stays open
    sign_in(client, first)
    made, reused, fresh = page(client), page(client), fresh_page(app, client)
    assert made == reused == fresh
    assert "is-right" in fresh and "is-wrong" in fresh and "checked" in fresh and "selected" in fresh
    cache = app.extensions[EXTENSION]
    assert len(cache.skeletons) == 1 and len(cache.fragments) == len(questions) - 1
    assert cache.marker not in made
    # Another learner, other answers (and none), after the first one filled the store.
    second = make.learner(language=lang)
    answer_some(second, lang, 2, first_right=False)
    other = app.test_client()
    sign_in(other, second)
    assert page(other) == fresh_page(app, other) != fresh
    assert len(cache.skeletons) == 1  # the same lesson, language and mode: one skeleton


def test_token_in_kept_pieces_is_this_requests_and_answers_are_accepted(app, client, make):
    learner_client = client
    sign_in(learner_client, make.learner())
    page(learner_client)  # the pieces are kept
    forms = right_answers(app)
    for question_id, form in forms.items():  # each POST takes the token of its own form, a kept piece
        text = learner_client.get(LESSON).get_data(as_text=True)
        own_form = text[text.index(f'data-question="{question_id}"'):]
        token = TOKEN.search(own_form).group(0).split('"')[-2]
        response = learner_client.post(f"{LESSON}/answer/{question_id}", data={**form, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
    review = page(learner_client)  # finished: every answer shown for review
    assert review == fresh_page(app, learner_client)
    assert review.count("is-right") >= len(forms)
    assert page(learner_client, LESSON + "?repeat=1") == fresh_page(app, learner_client, LESSON + "?repeat=1")


def _with_changed_question(course, lang: str, suffix: str):
    """The course with the first question of lesson alpha in `lang` reworded."""
    item = course.items["alpha"]
    variant = item.variants[lang]
    target = variant.questions[0]
    changed = replace(target, text=target.text + suffix)

    def swap(block):
        if isinstance(block, Box):
            return replace(block, blocks=tuple(swap(b) for b in block.blocks))
        return changed if block is target else block

    new_item = replace(item, variants={**item.variants, lang: replace(variant, blocks=tuple(swap(b) for b in variant.blocks))})
    levels = tuple(replace(lv, lessons=tuple(new_item if i.id == item.id else i for i in lv.lessons))
                   for lv in course.levels)
    return replace(course, levels=levels, items={**course.items, item.id: new_item}), new_item


def test_a_changed_lesson_is_never_shown_from_old_pieces(app, client, make):
    learner = make.learner(language="kk")
    answer_some(learner, "kk", 2)
    sign_in(client, learner)
    before = page(client)
    course = app.extensions["auyl_course"]
    changed_course, changed_item = _with_changed_question(course, "kk", " (ЖАҢА МӘТІН)")
    assert changed_item.variant("kk").version != course.items["alpha"].variant("kk").version
    app.extensions["auyl_course"] = changed_course
    try:
        after = page(client)
        assert "(ЖАҢА МӘТІН)" in after and "(ЖАҢА МӘТІН)" not in before
        assert after == fresh_page(app, client)
    finally:
        app.extensions["auyl_course"] = course


def test_content_version_is_the_same_for_the_same_content():
    from app.content.loader import load_course
    from app.course import links_for
    from tests.conftest import FIXTURE_CONTENT

    once, _ = load_course(FIXTURE_CONTENT, links_for(""))
    again, _ = load_course(FIXTURE_CONTENT, links_for(""))
    alpha, alpha_again = once.items["alpha"], again.items["alpha"]
    assert alpha.variant("kk") is not alpha_again.variant("kk")
    assert alpha.variant("kk").version == alpha_again.variant("kk").version
    assert alpha.variant("kk").version != alpha.variant("ru").version
    assert alpha.variant("kk").version != once.items["beta"].variant("kk").version


def test_the_page_shell_leaves_out_every_learner_and_fills_in_each_ones_own(app, client, make):
    """The page around the article is rendered once (a shell) and shared: each learner's name, id,
    token and state are their own, escaped as a fresh page escapes them."""
    first = make.learner(name='Айгүл <b>"&\' Тест')
    answer_some(first, "kk", 2)
    sign_in(client, first)
    made = page(client)
    assert made == page(client) == fresh_page(app, client)
    assert "Айгүл &lt;b&gt;&#34;&amp;&#39; Тест" in made and "<b>" not in made.split("<main")[0]
    assert f'data-learner="{first.id}"' in made
    cache = app.extensions[EXTENSION]
    assert len(cache.shells) == 1
    shell = cache.shells.data.popitem()[1]  # text, part left open, text, ...: none of the learner's own
    assert set(shell[1::2]) == {"csrf", "name", "path", "learner", "state", "article"}
    text = "".join(shell[0::2])
    token = TOKEN.search(client.get(LESSON).get_data(as_text=True)).group(0).split('"')[-2]
    assert "Айгүл" not in text and str(first.id) not in text and token not in text
    second = make.learner(name="Болат Тест")
    other = app.test_client()
    sign_in(other, second)
    mine = page(other)
    assert mine == fresh_page(app, other) and "Болат Тест" in mine and "Айгүл" not in mine
    assert f'data-learner="{second.id}"' in mine and str(first.id) not in mine


def test_the_page_path_in_the_language_switch_is_this_requests(app, client, make):
    sign_in(client, make.learner())
    plain, again = page(client), page(client, LESSON + "?repeat=1&x=%22%3E")
    assert f'name="next" value="{LESSON}?"' in plain
    assert f'name="next" value="{LESSON}?repeat=1&amp;x=%22%3E"' in again
    assert again == fresh_page(app, client, LESSON + "?repeat=1&x=%22%3E")


def test_a_page_with_a_message_is_rendered_whole_and_shows_it(app, client, make):
    from tests.web.test_learn import answer

    sign_in(client, make.learner())
    page(client)  # the shell is kept
    first = next(q for q in get_course().items["alpha"].variant("kk").questions if q.type == "single")
    response = answer(client, first.id, {})  # nothing chosen: back to the lesson with a message
    assert response.status_code == 302
    shown = page(client)
    assert 'class="flash error"' in shown
    assert 'class="flash error"' not in page(client)  # shown once
    app.config["LESSON_CACHE_SIZE"] = 0
    try:
        answer(client, first.id, {})
        assert page(client) == shown
    finally:
        app.config["LESSON_CACHE_SIZE"] = 4096


def test_a_class_computer_has_its_own_shell_with_im_done(app, make):
    from app.extensions import db
    from app.models import Role, TrainingClass
    from tests.conftest import post

    village = make.village("Абай")
    trainer = make.staff(Role.TRAINER, [village])
    cls = TrainingClass(village=village, level="basic", day1=__import__("datetime").date(2026, 11, 30),
                        day2=__import__("datetime").date(2026, 12, 1), venue="Мектеп", trainer_id=trainer.id)
    learner = make.learner(village=village, name="Айгүл Тест", pin="2580")
    cls.learners.append(learner)
    db.session.add(cls)
    db.session.commit()
    home = app.test_client()
    sign_in(home, learner)
    at_home = page(home)  # a shell without "I'm done"
    pc = app.test_client()
    sign_in(pc, trainer)
    post(pc, f"/trainer/classes/{cls.id}/session/open", page=f"/trainer/classes/{cls.id}")
    post(pc, f"/class/{learner.id}", {"pin": "2580"}, page=f"/class/{learner.id}")
    in_class = page(pc)
    assert 'class="done-here"' in in_class and 'class="done-here"' not in at_home
    assert in_class == fresh_page(app, pc) and at_home == fresh_page(app, home)
    assert len(app.extensions[EXTENSION].shells) == 2


def test_after_a_language_switch_the_whole_page_is_in_the_new_language(app, client, make):
    from tests.conftest import post

    learner = make.learner(language="kk")
    answer_some(learner, "kk", 2)
    answer_some(learner, "ru", 2)
    sign_in(client, learner)
    kk = page(client)
    post(client, "/language", {"lang": "ru", "next": LESSON}, page=LESSON)
    ru = page(client)
    assert ru == fresh_page(app, client) != kk
    assert '<html lang="ru">' in ru
    state = ru[ru.index('id="state"'):ru.index("</div>", ru.index('id="state"'))]
    assert state not in kk and "В процессе" in state
