"""Trainers open any practice exercise in class: a list per level, a demonstration that records
nothing for anyone, the same checks of each move, forms with CSRF, and no way in for learners."""

import pytest

from app.extensions import db
from app.models import Event, Role
from tests.conftest import post, sign_in
from tests.web.test_egov_exercise import RIGHT, TYPICAL, form_of, phone_code, typed_on
from tests.web.test_exercises import app  # noqa: F401  (the app fixture)

LIST = "/trainer/practice"
DEMO = "/trainer/practice/elementary/egov-certificate/egov-portal"


@pytest.fixture
def trainer(app, make):  # noqa: F811
    client = app.test_client()
    sign_in(client, make.staff(Role.TRAINER, [make.village("Бөген")]))
    return client


def events() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Event))


def play(client, moves, lang="kk", again=False):
    for n, move_id in enumerate(moves):
        page = client.get(DEMO + ("?new=1" if again and n == 0 else "")).get_data(as_text=True)
        response = post(client, DEMO, {**form_of(page), **typed_on(page, lang), "move": move_id}, page=DEMO)
        assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    return client.get(DEMO).get_data(as_text=True)


def test_the_list_links_every_exercise_of_each_level(trainer):
    page = trainer.get(LIST).get_data(as_text=True)
    for url in ("/trainer/practice/elementary/stay-safe/phone-inbox",
                "/trainer/practice/elementary/phone-transfers/bank-app", DEMO,
                "/trainer/practice/intermediate/payments-and-loans/bank-app",
                "/trainer/practice/intermediate/messenger-scams/phone-inbox",
                "/trainer/practice/intermediate/egov-services/egov-portal"):
        assert f'href="{url}"' in page
    assert "Ешкімге ештеңе жазылмайды" in page or "ештеңе жазылмайды" in page
    assert LIST in trainer.get("/trainer/").get_data(as_text=True)


def test_a_demonstration_records_nothing_and_grades_as_for_a_learner(trainer):
    before = events()
    first = trainer.get(DEMO).get_data(as_text=True)
    assert "Сабақта көрсету" in first and "ОҚУ КӨШІРМЕСІ" in first and f'action="{DEMO}"' in first
    mistake = play(trainer, TYPICAL[:3])
    assert "Қауіпті қате!" in mistake
    result = play(trainer, TYPICAL[3:])
    assert "Қауіпті қателер: 1" in result and "Дұрыс шешім: 8 ішінен 8" not in result
    assert 'href="/trainer/practice"' in result and events() == before
    again = trainer.get(DEMO + "?new=1").get_data(as_text=True)
    assert 'name="step" value="0"' in again
    assert "Қауіпті қателер: 0" in play(trainer, RIGHT, again=True) and events() == before


def test_bad_forms_are_refused_in_the_demonstration(trainer):
    page = trainer.get(DEMO).get_data(as_text=True)
    fields = form_of(page)
    assert post(trainer, DEMO, {**fields, "step": "1", "screen": "sign-in", "move": "sign-in"}, page=DEMO).status_code == 400
    assert post(trainer, DEMO, {**fields, "move": "download"}, page=DEMO).status_code == 400
    assert trainer.post(DEMO, data={**fields, "move": "open-official"}).status_code == 400  # no CSRF token
    assert post(trainer, DEMO, {**fields, "move": "open-official"}, page=DEMO).status_code == 302
    assert post(trainer, DEMO, {**fields, "move": "open-official"}, page=DEMO).status_code == 400  # replayed
    page = trainer.get(DEMO).get_data(as_text=True)
    slip = post(trainer, DEMO, {**form_of(page), "field-iin": "1", "field-password": "x", "move": "sign-in"}, page=DEMO)
    assert slip.status_code == 422 and 'aria-invalid="true"' in slip.get_data(as_text=True)
    assert phone_code(page) == ""  # no SMS yet on the sign-in screen
    assert trainer.get("/trainer/practice/elementary/egov-certificate/no-such").status_code == 404
    assert trainer.get("/trainer/practice/nowhere/egov-certificate/egov-portal").status_code == 404


def test_learners_and_strangers_cannot_open_it(app, make):  # noqa: F811
    learner = app.test_client()
    sign_in(learner, make.learner(language="kk"))
    for url in (LIST, DEMO):
        assert learner.get(url).status_code == 403
    assert post(learner, DEMO, {"move": "open-official"}, page="/learn/").status_code == 403
    stranger = app.test_client()
    response = stranger.get(DEMO)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_coordinator_may_show_it_too(app, make):  # noqa: F811
    client = app.test_client()
    sign_in(client, make.staff(Role.COORDINATOR))
    assert client.get(DEMO).status_code == 200
