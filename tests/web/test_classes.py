"""Trainers' classes: opening, registering learners (form and CSV), cards, attendance, grid."""

import io
import re

import pytest
from werkzeug.test import EnvironBuilder

from app.extensions import db
from app.models import Attendance, Role, TrainingClass, User
from tests.conftest import csrf_token, post, sign_in, translated


@pytest.fixture
def setup(client, make):
    north, south = make.village("Солтүстік"), make.village("Оңтүстік")
    trainer = make.staff(Role.TRAINER, [north])
    other = make.staff(Role.TRAINER, [south])
    sign_in(client, trainer)
    return {"north": north, "south": south, "trainer": trainer, "other": other}


def upload(client, cls, data: bytes):
    page = f"/trainer/classes/{cls.id}"
    return post(client, f"{page}/import", {"file": (io.BytesIO(data), "class.csv")}, page=page,
                content_type="multipart/form-data")


def card_pin(text: str) -> str:
    return re.search(r'<p>[^<]*: <strong class="card-code">(\d{4})</strong></p>', text).group(1)


def open_class(client, village, level="basic", day1="2026-11-30", day2="2026-12-01", venue="Мәдениет үйі"):
    return post(client, "/trainer/classes/new", {"village": str(village.id), "level": level, "day1": day1,
                                                 "day2": day2, "venue": venue}, page="/trainer/classes/new")


def the_class():
    return db.session.scalars(db.select(TrainingClass)).one()


def test_trainer_opens_a_class(client, setup):
    response = open_class(client, setup["north"])
    cls = the_class()
    assert response.status_code == 302 and response.headers["Location"] == f"/trainer/classes/{cls.id}"
    assert cls.level == "basic" and cls.venue == "Мәдениет үйі" and str(cls.day2) == "2026-12-01"
    assert client.get(f"/trainer/classes/{cls.id}").status_code == 200


@pytest.mark.parametrize("field, value, message", [
    ("day2", "2026-11-01", "The second day cannot be before the first."),
    ("day1", "30.11.2026", "Give the date as on a calendar, e.g. 2026-11-30."),
    ("level", "advanced", "Choose a level."),
    ("venue", "", "Write where the class takes place."),
])
def test_class_form_errors_keep_the_input(client, setup, field, value, message):
    data = {"village": str(setup["north"].id), "level": "basic", "day1": "2026-11-30", "day2": "2026-12-01",
            "venue": "Мектеп"}
    data[field] = value
    response = post(client, "/trainer/classes/new", data, page="/trainer/classes/new")
    assert response.status_code == 400 and translated(message) in response.get_data(as_text=True)
    assert db.session.scalars(db.select(TrainingClass)).all() == []


def test_trainer_cannot_open_a_class_in_another_village(client, setup):
    response = open_class(client, setup["south"])
    assert response.status_code == 400 and db.session.scalars(db.select(TrainingClass)).all() == []


def test_register_one_learner_shows_a_printable_card(client, setup):
    open_class(client, setup["north"])
    cls = the_class()
    page = f"/trainer/classes/{cls.id}"
    response = post(client, f"{page}/learners", {"name": "Сәуле  Нұрланқызы", "code": ""}, page=page)
    text = response.get_data(as_text=True)
    learner = db.session.scalar(db.select(User).where(User.name == "Сәуле Нұрланқызы"))
    assert learner.village_id == setup["north"].id and learner in cls.learners
    pin = card_pin(text)
    assert learner.check_secret(pin) and learner.login_code in text
    again = post(client, f"{page}/learners", {"name": "сәуле нұрланқызы"}, page=page)
    assert again.status_code == 302 and len(cls.learners) == 1  # the same person is not added twice


def test_csv_list_registers_everyone_or_no_one(client, setup):
    open_class(client, setup["north"])
    cls = the_class()
    bad = "name,login_code\nАйгүл,aigul1\nБолат,\nАйгүл,\n,\nДана,bad code!\n".encode()
    response = upload(client, cls, bad)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert translated("Line %(num)d", num=4) in text and translated("Line %(num)d", num=6) in text
    assert len(cls.learners) == 0
    good = "name;login_code\nАйгүл;aigul1\nБолат;\n".encode("utf-8-sig")
    response = upload(client, cls, good)
    assert response.status_code == 200
    db.session.refresh(cls)
    assert sorted(lr.name for lr in cls.learners) == ["Айгүл", "Болат"]
    assert "aigul1" in response.get_data(as_text=True)


@pytest.mark.parametrize("data", [b"\xff\xfename\n\xd0", "фамилия\nАйгүл\n".encode(), b"name\n",
                                  "name,village\nАйгүл,Атлантида\n".encode()])
def test_broken_csv_is_refused_with_a_message(client, setup, data):
    open_class(client, setup["north"])
    cls = the_class()
    response = upload(client, cls, data)
    assert response.status_code == 400 and len(cls.learners) == 0


def test_new_pins_for_chosen_learners_only_after_confirming(client, setup, make):
    open_class(client, setup["north"])
    cls = the_class()
    a, b = (make.learner(village=setup["north"], pin="2580") for _ in range(2))
    cls.learners.extend([a, b])
    db.session.commit()
    page = f"/trainer/classes/{cls.id}"
    asked = post(client, f"{page}/cards", {"learner": [str(a.id)], "pins": "new"}, page=page)
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.get_data(as_text=True)
    db.session.refresh(a)
    assert a.check_secret("2580")  # nothing changed before the trainer confirms
    response = post(client, f"{page}/cards", {"learner": [str(a.id)], "pins": "new", "confirm": "yes"}, page=page)
    pin = card_pin(response.get_data(as_text=True))
    db.session.refresh(a)
    db.session.refresh(b)
    assert a.check_secret(pin) and not a.check_secret("2580")
    assert b.check_secret("2580")  # not chosen: untouched


def test_a_sheet_printed_again_keeps_the_pin_and_says_so(client, setup, make):
    open_class(client, setup["north"])
    cls = the_class()
    kk, ru = make.learner(village=setup["north"], pin="2580"), make.learner(village=setup["north"], language="ru")
    cls.learners.extend([kk, ru])
    db.session.commit()
    page = f"/trainer/classes/{cls.id}"
    response = post(client, f"{page}/cards", {"everyone": "yes", "pins": "same"}, page=page)
    text = response.get_data(as_text=True)
    db.session.refresh(kk)
    assert kk.check_secret("2580") and kk.login_code in text and ru.login_code in text
    assert 'class="card-code">' + kk.login_code in text and not re.search(r'card-code">\d{4}<', text)
    # each sheet in its learner's language, with the advice on keeping the PIN safe
    assert translated("Keep your PIN safe", "kk") in text and translated("Keep your PIN safe", "ru") in text
    assert translated("Sign-in sheet", "ru") in text
    nobody = post(client, f"{page}/cards", {"pins": "same"}, page=page)
    assert nobody.status_code == 302 and nobody.headers["Location"].endswith("#sheets")


def test_an_empty_class_shows_registration_first(client, setup, make):
    open_class(client, setup["north"])
    cls = the_class()
    page = f"/trainer/classes/{cls.id}"
    text = client.get(page).get_data(as_text=True)
    for absent in ("Hardest questions", "Open the class on this computer"):
        assert translated(absent) not in text, absent
    assert 'id="attendance"' not in text  # («Қатысу» is also the start of «қатысушы», so not by its words)
    assert 'id="register"' in text
    learner = make.learner(village=setup["north"])
    cls = the_class()
    cls.learners.append(learner)
    db.session.commit()
    text = client.get(page).get_data(as_text=True)
    assert translated("Hardest questions") in text and text.index('id="attendance"') < text.index('id="register"')


def test_attendance_is_saved_per_day(client, setup, make):
    open_class(client, setup["north"])
    cls = the_class()
    a, b = make.learner(village=setup["north"]), make.learner(village=setup["north"])
    cls.learners.extend([a, b])
    db.session.commit()
    page = f"/trainer/classes/{cls.id}"
    post(client, f"{page}/attendance", {"present": [f"{a.id}:1", f"{a.id}:2", f"{b.id}:1", "junk", f"{a.id}:9"]},
         page=page)
    rows = {(r.user_id, r.day) for r in db.session.scalars(db.select(Attendance))}
    assert rows == {(a.id, 1), (a.id, 2), (b.id, 1)}
    post(client, f"{page}/attendance", {"present": [f"{a.id}:1"]}, page=page)
    assert {(r.user_id, r.day) for r in db.session.scalars(db.select(Attendance))} == {(a.id, 1)}


def test_class_grid_shows_progress_help_and_hardest_questions(app, client, setup, make):
    open_class(client, setup["north"])
    cls = the_class()
    learner = make.learner(village=setup["north"], name="Ерлан Тест")
    cls.learners.append(learner)
    db.session.commit()
    other_browser = app.test_client()
    sign_in(other_browser, learner)
    for _ in range(3):  # stuck: three wrong answers to one question
        post(other_browser, "/learn/basic/alpha/answer/who", {"choice": "0"}, page="/learn/basic/alpha")
    text = client.get(f"/trainer/classes/{cls.id}").get_data(as_text=True)
    assert "Ерлан Тест" in text
    assert 'data-refresh="30"' in text  # the page script keeps the grid current while the class works
    assert translated("Stuck in lesson %(num)d", num=1) in text
    assert "0 %" in text and "Банкке" in text  # hardest: 0 % right at first, most picked wrong choice


def test_another_trainers_class_is_a_404_by_every_route(client, setup, make):
    cls = TrainingClass(village=setup["south"], level="basic", day1=__import__("datetime").date(2026, 11, 30),
                        day2=__import__("datetime").date(2026, 12, 1), venue="x", trainer_id=setup["other"].id)
    db.session.add(cls)
    db.session.commit()
    base = f"/trainer/classes/{cls.id}"
    assert client.get(base).status_code == 404
    for suffix in ("/learners", "/cards", "/attendance", "/session/open", "/session/close"):
        assert post(client, base + suffix, {"name": "X"}, page="/trainer/").status_code == 404, suffix
    assert client.get("/trainer/classes/not-a-uuid").status_code == 404


def test_an_existing_learner_joins_a_new_class_with_their_own_account(client, setup, make):
    first = TrainingClass(village=setup["north"], level="basic", day1=__import__("datetime").date(2026, 10, 1),
                          day2=__import__("datetime").date(2026, 10, 2), venue="x")
    learner = make.learner(village=setup["north"], code="aigul", name="Айгүл", pin="2580")
    first.learners.append(learner)
    db.session.add(first)
    db.session.commit()
    open_class(client, setup["north"], level="second")
    cls = db.session.scalars(db.select(TrainingClass).where(TrainingClass.level == "second")).one()
    page = f"/trainer/classes/{cls.id}"
    response = post(client, f"{page}/learners", {"name": "", "code": "AIGUL"}, page=page)
    assert response.status_code == 200 and cls.learners == [learner]
    assert learner.check_secret("2580")  # no new PIN: the person keeps their own
    assert db.session.scalars(db.select(User).where(User.name == "Айгүл")).all() == [learner]


def test_csv_enrols_existing_learners_and_refuses_other_villages_codes(client, setup, make):
    open_class(client, setup["north"])
    cls = the_class()
    make.learner(village=setup["north"], code="known1", name="Бұрынғы")
    make.learner(village=setup["south"], code="faraway", name="Алыс")
    bad = "name,login_code\nБасқа,faraway\n".encode()
    response = upload(client, cls, bad)
    assert response.status_code == 400 and len(cls.learners) == 0
    good = "name,login_code\nБұрынғы,known1\nЖаңа,\n".encode()
    response = upload(client, cls, good)
    assert response.status_code == 200
    db.session.refresh(cls)
    assert sorted(lr.name for lr in cls.learners) == ["Бұрынғы", "Жаңа"]
    assert translated("the 4 digits you already have. Forgot them? Your trainer can give you a new PIN.") \
        in response.get_data(as_text=True)


@pytest.mark.parametrize("data", ['name\n"Айгүл\nБолат\n'.encode(), "name,name\nА,Б\n".encode(),
                                  ("name\n" + "Ә" * 130 + "\n").encode()])
def test_odd_csv_files_are_refused_without_an_error_page(client, setup, data):
    open_class(client, setup["north"])
    cls = the_class()
    response = upload(client, cls, data)
    assert response.status_code == 400 and len(cls.learners) == 0


def test_a_class_whose_level_left_the_course_still_opens(client, setup):
    open_class(client, setup["north"])
    cls = the_class()
    cls.level = "retired-level"
    db.session.commit()
    response = client.get(f"/trainer/classes/{cls.id}")
    assert response.status_code == 200
    assert translated("This level is no longer in the course: progress cannot be shown, but the list, "
                      "attendance and sign-in sheets still work.") in response.get_data(as_text=True)


def test_class_list_saved_by_excel_in_windows_1251_is_accepted(client, setup):
    open_class(client, setup["north"])
    cls = the_class()
    data = "name;login_code\nИванова Анна Петровна;\nСергеев Пётр;sergeev\n".encode("cp1251")
    response = upload(client, cls, data)
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.refresh(cls)
    assert sorted(lr.name for lr in cls.learners) == ["Иванова Анна Петровна", "Сергеев Пётр"]


def test_class_list_with_letters_lost_to_windows_1251_is_refused(client, setup):
    open_class(client, setup["north"])
    cls = the_class()
    data = "name\nАнна\nӘлия Құрманова\n".encode("cp1251", errors="replace")  # "?лия ?урманова"
    response = upload(client, cls, data)
    assert response.status_code == 400
    assert translated("Line %(num)d", num=3) in response.get_data(as_text=True)
    assert len(cls.learners) == 0


def test_a_long_class_list_is_refused_by_the_row_cap(client, setup):
    """100,000 short lines (under the size limit) once kept the server busy for minutes."""
    open_class(client, setup["north"])
    cls = the_class()
    data = ("name\n" + "".join(f"Ab{n}\n" for n in range(100_000))).encode()
    assert len(data) < client.application.config["MAX_CONTENT_LENGTH"] - 1000  # under the size cap
    page = f"/trainer/classes/{cls.id}"
    # Built by hand to close it: the test client spools a body this large to a temporary file.
    builder = EnvironBuilder(path=f"{page}/import", method="POST", data={
        "csrf_token": csrf_token(client, page), "file": (io.BytesIO(data), "class.csv")})
    environ = builder.get_environ()
    try:
        response = client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and len(cls.learners) == 0
    limit = client.application.config["CSV_MAX_ROWS"]
    assert translated("The file has more than %(limit)d lines. Nothing was imported: "
                      "split it into files of at most %(limit)d lines.", limit=limit) in text


def test_duplicates_are_still_found_in_a_list_under_the_cap(client, setup, make):
    open_class(client, setup["north"])
    dana = make.learner(village=setup["north"], name="Дана Серікова")
    cls = the_class()
    cls.learners.append(dana)
    db.session.commit()
    names = [f"Қатысушы {n}" for n in range(150)]
    data = ("name\n" + "\n".join(names + ["қатысушы  17", "ДАНА серікова"]) + "\n").encode()
    response = upload(client, cls, data)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert translated("Line %(num)d", num=152) in text and translated("Line %(num)d", num=153) in text
    assert "<li>" + translated("Line %(num)d", num=2) not in text
    db.session.refresh(cls)
    assert len(cls.learners) == 1
