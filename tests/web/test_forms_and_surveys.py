"""Counterbalanced test forms on the learner's pages, the intake closing once the lessons begin,
and a trainer's paper survey kept beside the learner's own answers."""

from app.extensions import db
from app.models import Event, Role
from app.progress import summaries
from tests.conftest import post, sign_in
from tests.web.test_learn import answer, events, right_answers


def test_a_learner_assigned_b_first_takes_b_before_the_lessons_and_the_role_is_recorded(app, client, make):
    learner = make.learner(order="BA")
    sign_in(client, learner)
    level = client.get("/learn/basic/").get_data(as_text=True)
    assert 'href="/learn/basic/basic-post"' in level.split("alpha")[0]  # form B comes before the lessons
    locked = client.get("/learn/basic/basic-pre").get_data(as_text=True)
    assert 'name="p-1:choice"' not in locked  # form A is this learner's test after the lessons
    assert post(client, "/learn/basic/basic-pre/test", {"p-1:choice": "1", "p-2:choice": "0"},
                page="/learn/basic/").status_code == 403
    done = post(client, "/learn/basic/basic-post/test", {"q-1:choice": "1", "q-2:choice": "0"},
                page="/learn/basic/basic-post")
    assert done.status_code == 302
    taken = events("test_taken")
    assert len(taken) == 1 and taken[0].item_id == "basic-post" and taken[0].payload["role"] == "pre"
    for qid, data in right_answers(app).items():
        answer(client, qid, data)
    for qid in ("portal", "free"):
        answer(client, qid, {"choice": "0"}, lesson="/learn/basic/beta")
    post(client, "/learn/basic/basic-pre/test", {"p-1:choice": "1", "p-2:choice": "0"}, page="/learn/basic/basic-pre")
    after = [e for e in events("test_taken") if e.item_id == "basic-pre"]
    assert len(after) == 1 and after[0].payload["role"] == "post"
    assert "/learn/survey/exit" in client.get("/learn/").get_data(as_text=True)  # a post-test opens the exit
    assert client.get("/learn/survey/intake").status_code == 302  # no intake after the post-test
    assert post(client, "/learn/survey/intake", {"internet-home:choice": "1"}, page="/learn/").status_code == 302
    assert events("survey_answered") == []


def test_the_intake_closes_once_the_lessons_have_begun(app, client, make):
    learner = make.learner()
    sign_in(client, learner)
    assert client.get("/learn/survey/intake").status_code == 200
    qid, data = next(iter(right_answers(app).items()))
    answer(client, qid, data)
    assert client.get("/learn/survey/intake").status_code == 302
    refused = post(client, "/learn/survey/intake", {"internet-home:choice": "1"}, page="/learn/")
    assert refused.status_code == 302 and events("survey_answered") == []
    assert "/learn/survey/intake" not in client.get("/learn/").get_data(as_text=True)


def test_a_paper_entry_is_kept_beside_the_learners_own_answers(app, make):
    village = make.village()
    learner = make.learner(village=village)
    own = app.test_client()
    sign_in(own, learner)
    post(own, "/learn/survey/intake", {"know-1414:choice": "2"}, page="/learn/survey/intake")
    trainer = make.staff(Role.TRAINER, [village])
    client = app.test_client()
    sign_in(client, trainer)
    url = f"/trainer/learner/{learner.id}/survey/intake"
    page = client.get(url).get_data(as_text=True)
    assert 'value="2" checked' not in page  # the form does not start from the learner's own answers
    post(client, url, {"know-1414:choice": "0"}, page=url)
    stored = db.session.scalars(db.select(Event).where(Event.kind == "survey_answered")
                                .order_by(Event.lamport)).all()
    assert [e.payload["answers"] for e in stored] == [{"know-1414": [2]}, {"know-1414": [0]}]
    assert "entered_by" not in stored[0].payload and stored[1].payload["entered_by"] == str(trainer.id)
    from app.course import get_course
    from app.reports.queries import learner_facts

    facts = learner_facts([village.id], get_course())[0]
    assert facts.intake == {"know-1414": [2]} and facts.intake_source == "own"
    assert "flash" in client.get(url).get_data(as_text=True)  # the trainer is told whose answers count


def test_the_report_page_and_xlsx_show_awareness_in_points_and_the_forms(app, client, make):
    import io
    from datetime import UTC, datetime, timedelta

    from openpyxl import load_workbook

    from tests.conftest import translated

    village = make.village("Ауыл")
    first, second = make.learner(village=village), make.learner(village=village, order="BA")
    t0 = datetime(2026, 11, 2, tzinfo=UTC)
    for n, (who, kind, item, payload) in enumerate([
        (first, "survey_answered", "intake", {"answers": {"know-1414": [2]}}),  # not sure -> right
        (first, "survey_answered", "exit", {"answers": {"know-1414": [0]}}),
        (second, "survey_answered", "intake", {"answers": {"know-1414": [0]}}),  # right -> right
        (second, "survey_answered", "exit", {"answers": {"know-1414": [0]}}),
        (first, "test_taken", "basic-pre", {"score": 0.5, "role": "pre"}),
        (second, "test_taken", "basic-post", {"score": 0.25, "role": "pre"}),  # form B as the pre-test
    ]):
        db.session.add(Event(user_id=who.id, kind=kind, item_id=item, lang="kk", payload=payload,
                             created_at=t0 + timedelta(minutes=n)))
    db.session.flush()
    summaries.rebuild()  # events made by hand: their summaries, as record.py would keep them
    db.session.commit()
    sign_in(client, make.staff(Role.COORDINATOR, username="akimat"))
    page = client.get(f"/reports/village/{village.id}?lang=ru").get_data(as_text=True)
    page = page.replace("\xa0", " ").replace("\u202f", " ")  # the spaces of Russian percents
    # right before 1 of 2 = 50 %, after 2 of 2 = 100 %: +50 points; the 1 unaware now knows (1 / 1)
    assert "<td>50 %</td><td>100 %</td><td>+50</td>" in page and "100 % (1 / 1)" in page
    assert translated("Test forms A and B: are they equally hard?", "ru") in page
    assert "<th scope=\"row\">A</th><td>1</td><td>50 %</td>" in page and "<th scope=\"row\">B</th><td>1</td><td>25 %</td>" in page
    book = load_workbook(io.BytesIO(client.get(f"/reports/village/{village.id}.xlsx?lang=ru").data))
    awareness = list(book.worksheets[1].iter_rows(values_only=True))
    item_row = next(r for r in awareness if r[2] == 2)
    assert item_row[3:7] == (0.5, 1.0, 50.0, 1.0)  # the same figures as the page
    forms = list(book[translated("Test forms", "ru")].iter_rows(values_only=True))
    assert ("A", 1, 0.5) == forms[1][2:5] and ("B", 1, 0.25) == forms[2][2:5]


def test_the_survey_page_shows_each_sections_words_before_its_questions(app, client, make):
    from tests.conftest import REAL_CONTENT, create_schema, drop_schema, make_app

    real = make_app(REAL_CONTENT)
    with real.app_context():
        create_schema()
        from app.models import User, Village

        village = Village(name_kk="Ауыл", name_ru="Аул")
        db.session.add(village)
        learner = User(role=Role.LEARNER, name="Сәуле", login_code="saule", village=village, language="ru")
        learner.set_secret("2580")
        db.session.add(learner)
        db.session.commit()
        c = real.test_client()
        sign_in(c, learner)
        page = c.get("/learn/survey/intake").get_data(as_text=True)
        internet, knowledge = page.index("internet-home:choice"), page.index("«Не знаю»: не угадывайте")
        assert internet < knowledge < page.index("know-egov-certificates:choice")
        assert "Знаете ли вы" not in page
        drop_schema()
