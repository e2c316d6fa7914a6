"""Reaching residents (issue #12): the public schedule, posters and their QR code, registering
from a poster, venue facts, and the coverage planner in the report."""

import io
import re
import uuid
from datetime import date, timedelta

import pytest
import segno
from openpyxl import load_workbook

from app.extensions import db
from app.models import Attendance, Role, TrainingClass, User, Venue
from tests.conftest import csrf_token, post, sign_in, translated

TODAY = date.today()


def a_class(village, trainer=None, days_from_now=3, venue="Мәдениет үйі, 2-зал", level="basic", seats=None):
    cls = TrainingClass(village=village, level=level, day1=TODAY + timedelta(days=days_from_now),
                        day2=TODAY + timedelta(days=days_from_now + 1), venue=venue,
                        trainer_id=trainer.id if trainer else None, seats=seats)
    db.session.add(cls)
    db.session.commit()
    return cls


@pytest.fixture
def place(make):
    north, south = make.village("Жаңақала", residents=1001), make.village("Бөген", residents=None)
    trainer = make.staff(Role.TRAINER, [north])
    return {"north": north, "south": south, "trainer": trainer}


def choose_language(client, lang):
    post(client, "/language", {"lang": lang, "next": "/classes"}, page="/classes")


# --- the public schedule -------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_schedule_is_public_in_both_languages_and_names_no_one(client, make, place, lang):
    upcoming = a_class(place["north"], place["trainer"], seats=12)
    past = a_class(place["north"], days_from_now=-10, venue="Ескі мектеп")
    learner = make.learner(place["north"], name="Сәуле Жұмабаева", code="saule77")
    upcoming.learners.append(learner)
    db.session.commit()
    choose_language(client, lang)
    response = client.get("/classes")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{lang}">' in page
    assert translated("Upcoming classes", lang) in page
    assert place["north"].name(lang) in page and "Мәдениет үйі, 2-зал" in page
    assert f"/register?class={upcoming.id}" in page
    assert "Ескі мектеп" not in page and str(past.id) not in page  # over: not on the schedule
    assert "Сәуле" not in page and "saule77" not in page  # no learner, by name or code
    assert not re.search(r"\b1 (learner|қатысушы|участник)", page)  # no count of people
    assert "<script" not in page.split("</head>")[1]  # the page itself needs no script


def test_schedule_without_classes_says_so(client):
    page = client.get("/classes").get_data(as_text=True)
    assert translated("No classes are planned at the moment. Ask at your village akimat, or look here again later.") in page


# --- posters ---------------------------------------------------------------------------------

def qr_of(url: str) -> str:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=1, border=4, xmldecl=False, svgclass="qr",
                                                  lineclass=None, omitsize=True)
    return out.getvalue().decode().strip()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_poster_qr_opens_registration_for_that_class(app, client, place, lang):
    app.config["PUBLIC_URL"] = "http://192.168.1.10:5000/"
    cls = a_class(place["north"], place["trainer"], seats=15)
    sign_in(client, place["trainer"])
    response = client.get(f"/trainer/classes/{cls.id}/poster?lang={lang}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{lang}">' in page
    url = f"http://192.168.1.10:5000/register?class={cls.id}&amp;lang={lang}"
    assert url in page  # printed under the code, for those who type it
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert svg == qr_of(url.replace("&amp;", "&"))  # the code holds exactly that address
    assert place["north"].name(lang) in page and "Мәдениет үйі, 2-зал" in page
    poster = page.split('<article class="poster">')[1]
    for words in ("Digital skills class", "You will learn", "Point your phone's camera at the square to register."):
        assert translated(words, lang) in poster  # in the poster's language, not the trainer's
    message = re.search(r'<textarea id="message"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert url in message and place["north"].name(lang) in message  # the messenger text


def test_poster_on_localhost_warns_that_phones_cannot_open_it(client, place):
    cls = a_class(place["north"], place["trainer"])
    sign_in(client, place["trainer"])
    page = client.get(f"/trainer/classes/{cls.id}/poster?lang=kk").get_data(as_text=True)
    assert "http://localhost/register?class=" in page
    assert 'class="warn"' in page


def test_poster_of_a_past_class_or_without_venue_says_why(client, place):
    past = a_class(place["north"], place["trainer"], days_from_now=-5)
    nowhere = a_class(place["north"], place["trainer"], venue="   ")
    sign_in(client, place["trainer"])
    response = client.get(f"/trainer/classes/{past.id}/poster")
    assert response.status_code == 409
    assert translated("No poster for this class") in response.get_data(as_text=True)
    assert "<svg" not in response.get_data(as_text=True)
    response = client.get(f"/trainer/classes/{nowhere.id}/poster")
    assert response.status_code == 409
    assert translated("This class has no venue written: people would not know where to come. Write the venue first.") \
        in response.get_data(as_text=True)


def test_poster_of_another_trainers_class_is_not_found(client, make, place):
    other = make.staff(Role.TRAINER, [place["south"]])
    cls = a_class(place["north"], place["trainer"])
    sign_in(client, other)
    assert client.get(f"/trainer/classes/{cls.id}/poster").status_code == 404
    assert client.get("/trainer/classes/not-an-id/poster").status_code == 404


# --- registering from a poster ---------------------------------------------------------------

def register(client, url, village, name="Жаңа Адам", pin="7391"):
    return post(client, url, {"name": name, "village": str(village.id), "code": "", "pin": pin, "pin_again": pin,
                              "consent": "yes"}, page=url)


def test_a_resident_registers_for_the_class_from_the_qr_link(client, place):
    cls = a_class(place["north"], place["trainer"])
    url = f"/register?class={cls.id}&lang=ru"
    page = client.get(url).get_data(as_text=True)
    assert '<html lang="ru">' in page and translated("You register for this class:", "ru") in page
    assert f'<option value="{place["north"].id}" selected>' in page  # the class's village, chosen already
    response = register(client, url, place["north"])
    assert response.status_code == 302 and response.headers["Location"] == "/learn/welcome"
    person = db.session.scalars(db.select(User).where(User.name == "Жаңа Адам")).one()
    assert person in cls.learners and person.language == "ru"
    welcome = client.get("/learn/welcome").get_data(as_text=True)
    assert "Мәдениет үйі, 2-зал" in welcome  # "you are registered for the class on …"


def test_a_resident_of_another_village_gets_an_account_but_not_the_class(client, place):
    cls = a_class(place["north"], place["trainer"])
    response = register(client, f"/register?class={cls.id}", place["south"])
    assert response.status_code == 302
    person = db.session.scalars(db.select(User).where(User.name == "Жаңа Адам")).one()
    assert person not in cls.learners and person.village_id == place["south"].id


@pytest.mark.parametrize("given", ["nonsense", str(uuid.uuid4()), "", "past"],
                         ids=["nonsense", "unknown-id", "empty", "past"])  # the same names in every process
def test_a_guessed_or_past_class_gives_the_plain_form(client, place, given):
    if given == "past":
        given = str(a_class(place["north"], days_from_now=-9).id)
    response = client.get(f"/register?class={given}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="class"' not in page and 'name="pin"' in page
    assert register(client, f"/register?class={given}", place["north"]).status_code == 302
    assert all(not c.learners for c in db.session.scalars(db.select(TrainingClass)))


# --- the class form: seats and what to bring ---------------------------------------------------

def test_class_form_takes_seats_and_refuses_a_bad_number(client, place):
    sign_in(client, place["trainer"])
    data = {"village": str(place["north"].id), "level": "basic", "day1": "2026-12-20", "day2": "2026-12-21",
            "venue": "Мектеп", "seats": "many", "bring": "Телефон"}
    response = post(client, "/trainer/classes/new", data, page="/trainer/classes/new")
    assert response.status_code == 400
    assert translated("Write the number of seats, from 1 to %(max)d, or leave it empty.", max=200) \
        in response.get_data(as_text=True)
    data["seats"] = "14"
    assert post(client, "/trainer/classes/new", data, page="/trainer/classes/new").status_code == 302
    cls = db.session.scalars(db.select(TrainingClass)).one()
    assert (cls.seats, cls.bring) == (14, "Телефон")


# --- venue facts -----------------------------------------------------------------------------

VENUE = {"place": "Мектеп, информатика кабинеті", "computers": "8", "projector": "yes", "internet": "mobile",
         "internet_mbps": "4,5", "internet_measured": "measured", "contact": "Директор, 8 700 000 00 00",
         "notes": "Кілт күзетшіде", "checked_on": "2026-12-01"}


def test_trainer_fills_in_venue_facts_and_the_report_shows_them(client, place):
    sign_in(client, place["trainer"])
    url = f"/trainer/venues/{place['north'].id}"
    response = post(client, url, VENUE, page=url)
    assert response.status_code == 302
    venue = db.session.scalars(db.select(Venue)).one()
    assert (venue.computers, venue.projector, venue.internet, venue.internet_mbps, venue.internet_measured) == \
        (8, True, "mobile", 4.5, True)
    assert venue.home is not None and venue.seq  # stamped: one server changes it
    form = client.get(url).get_data(as_text=True)
    assert 'value="4.5"' in form and "Кілт күзетшіде" in form  # the form shows what is stored
    report = client.get(f"/reports/village/{place['north'].id}?lang=ru").get_data(as_text=True)
    venues = report.split('id="venues"')[1]
    assert "Мектеп, информатика кабинеті" in venues and "Кілт күзетшіде" in venues
    assert translated("measured", "ru") in venues and "4,5" in venues


@pytest.mark.parametrize("field, value, message", [
    ("computers", "-2", "Write the number of working computers, from 0 to %(max)d."),
    ("computers", "eight", "Write the number of working computers, from 0 to %(max)d."),
    ("internet_mbps", "fast", "Write the speed in Mbit/s as a number, e.g. 4.5, or leave it empty."),
    ("internet", "pigeon", "Choose the kind of internet from the list."),
    ("projector", "maybe", "Choose yes, no or not known."),
    ("checked_on", "01.12.2026", "Give the date as on a calendar, e.g. 2026-11-30."),
])
def test_venue_form_refuses_bad_input_with_a_message(client, place, field, value, message):
    sign_in(client, place["trainer"])
    url = f"/trainer/venues/{place['north'].id}"
    response = post(client, url, VENUE | {field: value}, page=url)
    assert response.status_code == 400
    assert translated(message, max=500) in response.get_data(as_text=True)
    assert db.session.scalars(db.select(Venue)).first() is None


def test_venue_of_another_village_is_not_found(client, place):
    sign_in(client, place["trainer"])
    assert client.get(f"/trainer/venues/{place['south'].id}").status_code == 404
    assert post(client, f"/trainer/venues/{place['south'].id}", VENUE, page="/trainer/venues").status_code == 404
    assert client.get("/trainer/venues/xyz").status_code == 404


# --- the coverage planner ----------------------------------------------------------------------

def test_planner_numbers_on_a_hand_computed_case(client, make, place):
    """Жаңақала: 1,001 adults, so 501 for the target; 3 reached (attended); one class of 12 seats
    and one without a number planned: 498 still to reach, 486 short after. Бөген: no residents."""
    cls = a_class(place["north"], place["trainer"], days_from_now=-20)
    for i in range(4):
        person = make.learner(place["north"])
        cls.learners.append(person)
        if i < 3:
            db.session.add(Attendance(class_id=cls.id, user_id=person.id, day=1))
    db.session.commit()
    a_class(place["north"], place["trainer"], seats=12)
    a_class(place["north"], place["trainer"], days_from_now=9)
    coordinator = make.staff(Role.COORDINATOR)
    sign_in(client, coordinator)
    response = client.get("/reports/district.plan.csv?lang=ru")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = [line.split(";") for line in response.data.decode("utf-8-sig").splitlines()]
    assert rows[0][0] == translated("Village", "ru")
    assert rows[1] == ["Жаңақала (ru)", "1001", "3", "0,6", "501", "498", "2", "12", "1", "486"]
    assert rows[2][:3] == ["Бөген (ru)", "", "0"] and rows[2][4:6] == ["", ""]  # no residents: last, no target
    assert rows[3] == [translated("All villages", "ru"), "1001", "3", "", "501", "498", "2", "12", "1", "486"]
    book = load_workbook(io.BytesIO(client.get("/reports/district.xlsx?lang=kk").data))
    sheet = book[translated("Coverage plan", "kk")]
    assert [c.value for c in sheet[2]][:8] == ["Жаңақала", 1001, 3, pytest.approx(0.006), 501, 498, 2, 12]
    assert translated("Venues", "kk") in book.sheetnames
    page = client.get("/reports/district?lang=kk").get_data(as_text=True)
    planner = page.split('id="planner"')[1].split('id="venues"')[0]
    assert planner.index("Жаңақала") < planner.index("Бөген") and "498" in planner and "486" in planner


def test_posters_and_venues_are_for_staff_only(client, make, place):
    cls = a_class(place["north"], place["trainer"])
    for url in (f"/trainer/classes/{cls.id}/poster", "/trainer/venues", f"/trainer/venues/{place['north'].id}"):
        assert client.get(url).status_code == 302  # a visitor: to the sign-in page
    sign_in(client, make.learner(place["north"]))
    for url in (f"/trainer/classes/{cls.id}/poster", "/trainer/venues", f"/trainer/venues/{place['north'].id}"):
        assert client.get(url).status_code == 403


def test_class_kept_by_another_server_points_there_and_takes_no_one_here(app, client, place):
    """A class made on a village server, seen on the district: its poster's code opens that
    server (if its address is known), and registering here makes an account but cannot change
    the class (only its home server may: docs/sync.md)."""
    from sqlalchemy import update

    from app.models import SyncNode

    cls = a_class(place["north"], place["trainer"])
    elsewhere = uuid.uuid4()
    db.session.add(SyncNode(id=elsewhere, role="village", public_key="k" * 43 + "=", name="Жаңақала centre",
                            url="http://10.0.0.7:5000/"))
    db.session.execute(update(TrainingClass.__table__).where(TrainingClass.__table__.c.id == cls.id).values(home=elsewhere))
    db.session.commit()
    db.session.expire_all()
    sign_in(client, place["trainer"])
    page = client.get(f"/trainer/classes/{cls.id}/poster?lang=kk").get_data(as_text=True)
    assert f"http://10.0.0.7:5000/register?class={cls.id}&amp;lang=kk" in page
    client.post("/logout", data={"csrf_token": csrf_token(client, "/trainer/")})
    response = register(client, f"/register?class={cls.id}", place["north"])
    assert response.status_code == 302
    person = db.session.scalars(db.select(User).where(User.name == "Жаңа Адам")).one()
    assert person not in db.session.get(TrainingClass, cls.id).learners
    welcome = client.get("/learn/welcome").get_data(as_text=True)
    assert translated("Your account is ready. At the class, tell the trainer your login code: %(code)s.",
                      code=person.login_code) in welcome


def test_planner_share_is_rounded_half_up_as_everywhere_in_the_report(app):
    """1 reached of a target of 16 is 6.25 %: 6.3 (half up, as the page and the figures sheet
    round), not Python's round() 6.2."""
    from app.models import Village
    from app.outreach.plan import PlanRow, plan_table
    from app.reports.coverage import plan

    row = PlanRow(Village(name_kk="Ауыл", name_ru="Аул"), plan(31, 1, 0), 0, 0, None)
    assert row.plan.target == 16
    with app.test_request_context():
        assert plan_table([row], "kk")[1][3] == 6.3


def test_a_trainer_downloads_the_planner_of_their_village_from_the_link_on_its_report(client, place):
    """The village report's "Coverage planner as CSV" link (…/village/<id>.plan.csv) gives the CSV:
    the id must not swallow ".plan"."""
    sign_in(client, place["trainer"])
    page = client.get(f"/reports/village/{place['north'].id}?lang=kk").get_data(as_text=True)
    link = re.search(r'href="([^"]*\.plan\.csv[^"]*)"', page).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "Жаңақала" in response.data.decode("utf-8-sig")
    assert client.get(f"/reports/village/{place['south'].id}.plan.csv").status_code == 404  # not theirs
    assert client.get("/reports/village/not-an-id.plan.csv").status_code == 404
