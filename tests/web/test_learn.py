"""The learner's way: levels, lessons, answering in place, tests, progress, languages."""

import re

import pytest

from app.content.grading import display_order
from app.extensions import db
from app.models import Event
from tests.conftest import post, sign_in, translated

LESSON = "/learn/basic/alpha"


def answer(client, question, data, lesson=LESSON, **kwargs):
    return post(client, f"{lesson}/answer/{question}", data, page=lesson, **kwargs)


def events(kind=None):
    query = db.select(Event)
    if kind:
        query = query.where(Event.kind == kind)
    return db.session.scalars(query.order_by(Event.lamport, Event.origin, Event.seq)).all()  # the learner's order


@pytest.fixture
def learner_client(client, make):
    learner = make.learner()
    sign_in(client, learner)
    client.learner = learner
    return client


def right_answers(app):
    """A correct form for every question of lesson alpha, as a browser would send it."""
    from app.course import get_course

    alpha = get_course().items["alpha"]
    secret = app.config["SECRET_KEY"]
    forms = {}
    for q in alpha.variant("kk").questions:
        shown = display_order(q, secret)
        if q.type == "order":
            forms[q.id] = {f"pos-{d}": str(original + 1) for d, original in enumerate(shown)}
        elif q.type == "match":
            where = {original: d for d, original in enumerate(shown)}
            forms[q.id] = {f"pair-{i}": str(where[i]) for i in range(len(q.options))}
        else:
            forms[q.id] = {"choice": [str(i) for i in q.correct_indexes]}
    return forms


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LESSON)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_level_page_lists_lessons_with_their_state(learner_client):
    text = learner_client.get("/learn/basic/").get_data(as_text=True)
    assert "Альфа сабағы" in text and "Бета сабағы" in text
    assert "Басталмаған" in text  # not started
    assert "Сабаққа дейінгі тест" in text


def test_lesson_page_has_questions_but_no_answer_key(learner_client):
    text = learner_client.get(LESSON).get_data(as_text=True)
    assert 'id="q-who"' in text and 'name="choice"' in text and "<svg" in text
    assert "Банк кодты сұрамайды" not in text  # feedback only after answering
    assert "[x]" not in text and "correct" not in text


def test_wrong_answer_shows_why_then_right_answer_is_accepted(learner_client):
    response = answer(learner_client, "who", {"choice": "0"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#q-who")
    text = learner_client.get(LESSON).get_data(as_text=True)
    assert "Банк кодты сұрамайды." in text and "Жауабыңыз әзірге дұрыс емес." in text
    answer(learner_client, "who", {"choice": "1"})
    text = learner_client.get(LESSON).get_data(as_text=True)
    assert "Жауабыңыз дұрыс." in text
    stored = events("answer")
    assert [e.payload["correct"] for e in stored] == [False, True]
    assert all(e.question_id == "who" and e.item_id == "alpha" for e in stored)


def test_answer_by_script_returns_just_the_question(learner_client):
    response = answer(learner_client, "who", {"choice": "0"}, headers={"X-Requested-With": "fetch"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and text.lstrip().startswith('<section class="q is-wrong"')
    assert "Банк кодты сұрамайды." in text and "<html" not in text


def test_empty_answer_asks_again_and_stores_nothing(learner_client):
    response = answer(learner_client, "who", {})
    assert response.status_code == 302
    assert "Алдымен жауапты таңдаңыз." in learner_client.get(LESSON).get_data(as_text=True)
    fetched = answer(learner_client, "signs", {}, headers={"X-Requested-With": "fetch"})
    assert fetched.status_code == 422
    assert events("answer") == []


@pytest.mark.parametrize("question, data", [
    ("who", {"choice": "9"}),
    ("who", {"choice": "abc"}),
    ("who", {"choice": ["0", "1"]}),
    ("steps", {"pos-0": "1", "pos-1": "2", "pos-2": "7"}),
    ("nonexistent", {"choice": "0"}),
])
def test_tampered_answer_is_a_400_with_a_message_and_stores_nothing(learner_client, question, data):
    response = answer(learner_client, question, data)
    assert response.status_code == 400
    assert "Ештеңе сақталған жоқ" in response.get_data(as_text=True)
    assert events("answer") == []


def test_answer_without_csrf_token_is_refused(learner_client):
    response = learner_client.post(f"{LESSON}/answer/who", data={"choice": "1"})
    assert response.status_code == 400 and events("answer") == []


def test_answering_every_question_finishes_and_masters_the_lesson(app, learner_client):
    forms = right_answers(app)
    answer(learner_client, "who", {"choice": "0"})  # one wrong first try: 4 of 5 = 80 %
    for qid, data in forms.items():
        answer(learner_client, qid, data)
    finished = events("lesson_finished")
    assert len(finished) == 1 and finished[0].payload == {"score": 0.8, "correct": 4, "total": 5}
    text = learner_client.get(LESSON).get_data(as_text=True)
    assert "Меңгерілді" in text and "80 %" in text
    assert "Меңгерілді" in learner_client.get("/learn/basic/").get_data(as_text=True)


def test_progress_does_not_depend_on_the_language(app, learner_client):
    forms = right_answers(app)
    for qid in ("who", "bank-calls"):
        answer(learner_client, qid, forms[qid])
    post(learner_client, "/language", {"lang": "ru", "next": LESSON}, page=LESSON)
    text = learner_client.get(LESSON).get_data(as_text=True)
    assert '<html lang="ru">' in text and "Урок альфа" in text
    assert "Отвечено 2 вопроса из 5" in text  # Russian plural for 2
    for qid in ("signs", "steps", "terms"):
        answer(learner_client, qid, forms[qid])
    assert "Освоен" in learner_client.get("/learn/basic/").get_data(as_text=True)
    assert {e.lang for e in events("answer")} == {"kk", "ru"}


def test_continue_where_you_stopped_on_another_device(app, client, make):
    learner = make.learner()
    sign_in(client, learner)
    client.get("/learn/basic/beta")
    answer(client, "portal", {"choice": "0"}, lesson="/learn/basic/beta")
    at_home = app.test_client()
    sign_in(at_home, learner)
    text = at_home.get("/learn/").get_data(as_text=True)
    # the lesson, at its first question not yet answered
    assert 'href="/learn/basic/beta#q-free"' in re.search(r'<a class="button big"[^>]*>', text).group(0)


def test_own_progress_page(learner_client):
    answer(learner_client, "who", {"choice": "1"})
    text = learner_client.get("/learn/progress").get_data(as_text=True)
    assert "Альфа сабағы" in text and "Оқып жатыр" in text


def test_unknown_level_or_lesson_is_a_404_in_the_users_language(learner_client):
    for url in ("/learn/nowhere/", "/learn/basic/nothing", "/learn/basic/gamma"):
        response = learner_client.get(url)
        assert response.status_code == 404 and "Бет табылмады" in response.get_data(as_text=True)
    post(learner_client, "/language", {"lang": "ru", "next": "/learn/"}, page="/learn/")
    assert "Страница не найдена" in learner_client.get("/learn/nowhere/").get_data(as_text=True)


def test_pretest_counts_once_and_shows_results_at_the_end(learner_client):
    url = "/learn/basic/basic-pre"
    page = learner_client.get(url).get_data(as_text=True)
    assert 'name="p-1:choice"' in page and "Жоқ" in page
    assert "fb-line" not in page  # no feedback before the end
    response = post(learner_client, f"{url}/test", {"p-1:choice": "1", "p-2:choice": "1"}, page=url)
    assert response.status_code == 302
    result = learner_client.get(url).get_data(as_text=True)
    assert "дұрыс жауаптар 1 / 2" in result
    post(learner_client, f"{url}/test", {"p-1:choice": "1", "p-2:choice": "0"}, page="/learn/")
    taken = events("test_taken")
    assert len(taken) == 1 and taken[0].payload["score"] == 0.5
    assert taken[0].payload["results"] == {"p-1": True, "p-2": False}


def test_test_with_missing_answers_keeps_the_given_ones(learner_client):
    url = "/learn/basic/basic-pre"
    response = post(learner_client, f"{url}/test", {"p-1:choice": "1"}, page=url)
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "Қалған сұрақтар: 2" in text
    assert re.search(r'name="p-1:choice" value="1" checked', text)
    assert events("test_taken") == []


def test_posttest_opens_after_every_lesson_is_done(app, learner_client):
    url = "/learn/basic/basic-post"
    assert "барлық сабағы өткенде ашылады" in learner_client.get(url).get_data(as_text=True)
    assert post(learner_client, f"{url}/test", {"q-1:choice": "1", "q-2:choice": "0"},
                page="/learn/").status_code == 403
    for qid, data in right_answers(app).items():
        answer(learner_client, qid, data)
    for qid, choice in (("portal", "0"), ("free", "0")):
        answer(learner_client, qid, {"choice": choice}, lesson="/learn/basic/beta")
    assert 'name="q-1:choice"' in learner_client.get(url).get_data(as_text=True)


def test_lesson_picture_files_are_served_only_from_lesson_folders(learner_client):
    with learner_client.get("/learn/files/alpha/pic.kk.svg") as response:
        assert response.status_code == 200 and b"<svg" in response.data
    assert learner_client.get("/learn/files/alpha/kk.md").status_code == 404
    assert learner_client.get("/learn/files/alpha/..%2F..%2Flevel.toml").status_code == 404
    assert learner_client.get("/learn/files/ghost/pic.kk.svg").status_code == 404


def test_lesson_links_go_to_the_lesson(learner_client):
    response = learner_client.get("/learn/go/beta")
    assert response.status_code == 302 and response.headers["Location"] == "/learn/basic/beta"


def test_signed_in_pages_are_not_cached_on_shared_computers(learner_client):
    response = learner_client.get(LESSON)
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["KK.MD", "kk.md.", "Kk.Md", "level.toml", "ru.md"])
def test_lesson_sources_are_never_served(learner_client, name):
    assert learner_client.get(f"/learn/files/alpha/{name}").status_code == 404


def test_pretest_closes_once_the_lessons_have_begun(learner_client):
    learner_client.get(LESSON)  # only looking: the pre-test stays open
    assert 'name="p-1:choice"' in learner_client.get("/learn/basic/basic-pre").get_data(as_text=True)
    answer(learner_client, "who", {"choice": "1"})
    page = learner_client.get("/learn/basic/basic-pre").get_data(as_text=True)
    assert 'name="p-1:choice"' not in page
    response = post(learner_client, "/learn/basic/basic-pre/test", {"p-1:choice": "1", "p-2:choice": "0"},
                    page="/learn/")
    assert response.status_code == 403 and events("test_taken") == []


def test_finished_lesson_is_shown_for_review_and_repeated_blank(app, learner_client):
    for qid, data in right_answers(app).items():
        answer(learner_client, qid, data)
    review = learner_client.get(LESSON).get_data(as_text=True)
    assert 'class="q-form"' not in review and "disabled" in review and "?repeat=1" in review
    again = learner_client.get(LESSON + "?repeat=1").get_data(as_text=True)
    assert again.count('class="q-form"') == 5 and " checked" not in again


def test_switching_language_during_a_test_keeps_the_answers(learner_client):
    url = "/learn/basic/basic-pre"
    response = post(learner_client, f"{url}/test", {"p-1:choice": "1", "switch_lang": "ru"}, page=url)
    text = response.get_data(as_text=True)
    assert '<html lang="ru">' in text and "Кому говорим код?" in text
    assert re.search(r'name="p-1:choice" value="1" checked', text)
    assert events("test_taken") == []


def test_events_of_one_learner_are_strictly_ordered_even_with_a_coarse_clock(app, learner_client, monkeypatch):
    from datetime import UTC, datetime

    import app.progress.record as record_module

    frozen = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return frozen

    monkeypatch.setattr(record_module, "datetime", Clock)
    for qid, data in right_answers(app).items():
        answer(learner_client, qid, data)
    stamps = [e.created_at for e in db.session.scalars(db.select(Event).order_by(Event.created_at))]
    assert len(set(stamps)) == len(stamps)
    kinds = [e.kind for e in db.session.scalars(db.select(Event).order_by(Event.created_at))]
    assert kinds[-1] == "lesson_finished"
    assert "Меңгерілді" in learner_client.get(LESSON).get_data(as_text=True)


def test_learner_answers_the_intake_survey_then_the_exit_survey(app, learner_client):
    home = learner_client.get("/learn/").get_data(as_text=True)
    assert "/learn/survey/intake" in home  # offered first
    page = learner_client.get("/learn/survey/intake").get_data(as_text=True)
    assert 'name="internet-home:choice"' in page
    response = post(learner_client, "/learn/survey/intake", {"internet-home:choice": "1"},
                    page="/learn/survey/intake")
    assert response.status_code == 302
    stored = events("survey_answered")
    assert len(stored) == 1 and stored[0].payload == {"answers": {"internet-home": [1]}}
    assert "/learn/survey/" not in learner_client.get("/learn/").get_data(as_text=True)
    # after a post-test, the exit survey is offered
    for qid, data in right_answers(app).items():
        answer(learner_client, qid, data)
    for qid in ("portal", "free"):
        answer(learner_client, qid, {"choice": "0"}, lesson="/learn/basic/beta")
    post(learner_client, "/learn/basic/basic-post/test", {"q-1:choice": "1", "q-2:choice": "0"},
         page="/learn/basic/basic-post")
    assert "/learn/survey/exit" in learner_client.get("/learn/").get_data(as_text=True)
    post(learner_client, "/learn/survey/exit", {"know-1414:choice": "0", "hard-text:text": "  Бәрі   түсінікті "},
         page="/learn/survey/exit")
    exit_event = events("survey_answered")[-1]
    assert exit_event.payload == {"answers": {"know-1414": [0], "hard-text": "Бәрі түсінікті"}}


def test_tampered_survey_answer_is_refused(learner_client):
    response = post(learner_client, "/learn/survey/intake", {"internet-home:choice": "7"},
                    page="/learn/survey/intake")
    assert response.status_code == 400 and events("survey_answered") == []


def test_trainer_types_in_a_paper_survey(app, make):
    village = make.village()
    learner = make.learner(village=village)
    trainer = make.staff(__import__("app.models", fromlist=["Role"]).Role.TRAINER, [village])
    client = app.test_client()
    sign_in(client, trainer)
    url = f"/trainer/learner/{learner.id}/survey/intake"
    assert client.get(url).status_code == 200
    post(client, url, {"internet-home:choice": "0", "know-1414:choice": "2"}, page=url)
    stored = events("survey_answered")
    assert stored[0].user_id == learner.id and stored[0].payload["entered_by"] == str(trainer.id)
    assert stored[0].payload["answers"] == {"internet-home": [0], "know-1414": [2]}
    assert client.get(f"/trainer/learner/{learner.id}/survey/nothing").status_code == 404


def test_intake_is_answered_once_and_exit_opens_after_a_post_test(learner_client):
    post(learner_client, "/learn/survey/intake", {"internet-home:choice": "1"}, page="/learn/survey/intake")
    again = learner_client.get("/learn/survey/intake")
    assert again.status_code == 302
    resend = post(learner_client, "/learn/survey/intake", {"internet-home:choice": "0"}, page="/learn/")
    assert resend.status_code == 302 and len(events("survey_answered")) == 1
    assert learner_client.get("/learn/survey/exit").status_code == 302  # no post-test yet


def test_test_in_short_pages_keeps_every_answer_and_grades_once(learner_client, monkeypatch):
    from app.learn import pages

    monkeypatch.setattr(pages, "TEST_PAGE_SIZE", 1)
    url = "/learn/basic/basic-pre"
    first = learner_client.get(url).get_data(as_text=True)
    assert 'name="p-1:choice"' in first and 'name="p-2:choice"' not in first
    assert "Сұрақ: 1 / 2" in first and 'value="next"' in first and 'value="finish"' not in first
    second = post(learner_client, f"{url}/test", {"p-1:choice": "1", "page": "1", "go": "next"}, page=url)
    text = second.get_data(as_text=True)
    assert second.status_code == 200 and 'name="p-2:choice"' in text and "Сұрақ: 2 / 2" in text
    assert '<input type="hidden" name="p-1:choice" value="1">' in text  # the first page's answer travels on
    assert 'value="finish"' in text and events("test_taken") == []
    back = post(learner_client, f"{url}/test", {"p-1:choice": "1", "p-2:choice": "0", "page": "2", "go": "back"},
                page=url).get_data(as_text=True)
    assert re.search(r'name="p-1:choice" value="1" checked', back)
    assert '<input type="hidden" name="p-2:choice" value="0">' in back
    # finishing with a question left shows the page of that question
    left = post(learner_client, f"{url}/test", {"p-2:choice": "0", "page": "2", "go": "finish"}, page=url)
    assert left.status_code == 400 and 'name="p-1:choice"' in left.get_data(as_text=True)
    done = post(learner_client, f"{url}/test", {"p-1:choice": "1", "p-2:choice": "0", "page": "2", "go": "finish"},
                page=url)
    assert done.status_code == 302
    taken = events("test_taken")
    assert len(taken) == 1 and taken[0].payload["results"] == {"p-1": True, "p-2": True}


def test_lesson_links_its_printable_reminder_sheet(learner_client):
    assert "/learn/basic/alpha/reminder" in learner_client.get(LESSON).get_data(as_text=True)
    sheet = learner_client.get("/learn/basic/alpha/reminder")
    assert sheet.status_code == 200 and "Кодты ешкімге айтпаңыз" in sheet.get_data(as_text=True)
    assert learner_client.get("/learn/basic/basic-pre/reminder").status_code == 404


def test_feedback_says_right_or_wrong_in_words_unlike_the_options(learner_client):
    page = answer(learner_client, "who", {"choice": "0"}, follow_redirects=True).get_data(as_text=True)
    assert "Жауабыңыз әзірге дұрыс емес." in page and "✗ Бұл таңдау қате." in page


def test_paged_real_pretest_carries_order_and_match_answers_between_pages(monkeypatch):
    """The real elementary pre-test has a match (a01, page 1) and an order question (a06, page 3)."""
    from app.auth.accounts import register_learner
    from app.progress import derive

    monkeypatch.setattr(derive, "assigned_order", lambda level, learner: "AB")  # form A before
    from app.course import get_course
    from app.models import Village
    from tests.conftest import REAL_CONTENT, create_schema, drop_schema, make_app

    app = make_app(REAL_CONTENT)
    with app.app_context():
        create_schema()
        village = Village(name_kk="Ауыл", name_ru="Аул", okrug_kk="Округ", okrug_ru="Округ")
        db.session.add(village)
        db.session.commit()
        learner, errors = register_learner("Сәуле", str(village.id), "saule7", "4826", "4826", "kk", True)
        db.session.commit()
        test = get_course().items["elementary-test-a"]
        client = app.test_client()
        sign_in(client, learner, pin="4826")
        url = "/learn/elementary/elementary-test-a"
        form = {}
        for q in test.variant("kk").questions:
            shown = display_order(q, app.config["SECRET_KEY"])
            if q.type == "order":
                form.update({f"{q.id}:pos-{d}": str(original + 1) for d, original in enumerate(shown)})
            elif q.type == "match":
                where = {original: d for d, original in enumerate(shown)}
                form.update({f"{q.id}:pair-{i}": str(where[i]) for i in range(len(q.options))})
            else:
                form[f"{q.id}:choice"] = [str(i) for i in q.correct_indexes]
        page2 = post(client, f"{url}/test", {**form, "page": "1", "go": "next"}, page=url).get_data(as_text=True)
        total = len(test.variant("kk").questions)
        assert f"Сұрақ: 5 / {total}" in page2
        for i in range(4):  # the match question of page 1 travels as hidden fields
            assert f'<input type="hidden" name="a01:pair-{i}" value="{form[f"a01:pair-{i}"]}">' in page2
        page1 = post(client, f"{url}/test", {**form, "page": "2", "go": "back"}, page=url).get_data(as_text=True)
        assert f"Сұрақ: 1 / {total}" in page1
        for key in (k for k in form if k.startswith("a06:")):  # and the order question of page 3
            assert f'<input type="hidden" name="{key}" value="{form[key]}">' in page1
        last = str((total + 3) // 4)  # 4 questions a page
        done = post(client, f"{url}/test", {**form, "page": last, "go": "finish"}, page=url)
        assert done.status_code == 302
        taken = events("test_taken")
        assert len(taken) == 1 and taken[0].payload["score"] == 1.0
        drop_schema()  # and close the pooled connections now (PostgreSQL warns at garbage collection)


def main_buttons(client) -> list[str]:
    """The links styled as the page's main (big) buttons on the learner's home."""
    return re.findall(r'<a class="button big" href="([^"]+)"', client.get("/learn/").get_data(as_text=True))


def test_home_offers_one_next_step_at_a_time(learner_client):
    assert main_buttons(learner_client) == ["/learn/survey/intake"]  # a new learner: the survey first
    post(learner_client, "/learn/survey/intake", {"internet-home:choice": "1"}, page="/learn/survey/intake")
    assert main_buttons(learner_client) == ["/learn/basic/basic-pre"]  # then the test before the lessons
    url = "/learn/basic/basic-pre"
    post(learner_client, f"{url}/test", {"p-1:choice": "1", "p-2:choice": "1"}, page=url)
    assert main_buttons(learner_client) == ["/learn/basic/alpha"]  # then lesson 1
    home = learner_client.get("/learn/").get_data(as_text=True)
    assert translated("Start lesson %(num)d", num=1) in home


def test_the_pretest_result_leads_to_the_first_lesson(learner_client):
    url = "/learn/basic/basic-pre"
    post(learner_client, f"{url}/test", {"p-1:choice": "1", "p-2:choice": "1"}, page=url)
    text = learner_client.get(url).get_data(as_text=True)
    assert re.search(r'<a class="button big" href="/learn/basic/alpha">', text)
    assert translated("Start lesson %(num)d", num=1) in text
