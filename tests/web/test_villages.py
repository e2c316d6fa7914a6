"""The district's villages: residents edited by a coordinator, the list imported from CSV."""

import io
import re
from datetime import date

import pytest

from app.extensions import db
from app.models import Role, Village
from tests.conftest import post, sign_in, translated


@pytest.fixture
def coordinator_client(client, make):
    sign_in(client, make.staff(Role.COORDINATOR))
    return client


def upload(client, data: bytes):
    return post(client, "/district/villages/import", {"file": (io.BytesIO(data), "villages.csv")},
                page="/district/", content_type="multipart/form-data")


def test_coordinator_edits_residents(coordinator_client, make):
    village = make.village("Абай", residents=None)
    figure = {"residents": "1 450", "source": "Статистика", "date": "2026-01-01", "adults": "1"}
    post(coordinator_client, f"/district/villages/{village.id}", figure, page="/district/")
    db.session.refresh(village)
    assert (village.residents, village.residents_source, village.residents_on, village.residents_adults) == \
        (1450, "Статистика", date(2026, 1, 1), True)
    response = post(coordinator_client, f"/district/villages/{village.id}", {"residents": "many"}, page="/district/")
    assert response.status_code == 302
    db.session.refresh(village)
    assert village.residents == 1450  # bad input changes nothing
    assert translated("The number of residents must be a whole number.") in \
        coordinator_client.get("/district/").get_data(as_text=True)


@pytest.mark.parametrize("change, message", [
    ({"residents": "0"}, "The number of adult residents must be at least 1."),
    ({"residents": "2"}, "%(residents)d adult residents is fewer than the %(learners)d learners registered in this "
                         "village. Check the figure."),
    ({"source": " "}, "Say where the number of residents comes from (the source)."),
    ({"date": "1.13.2026"}, "Give the date of the number of residents (day.month.year)."),
    ({"date": "01.01.2099"}, "The date of the number of residents cannot be in the future."),
    ({"adults": ""}, "Count only adults (18 and over), and tick the box that says so."),
])
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_residents_figure_that_cannot_be_right_is_refused(client, make, change, message, lang):
    village = make.village("Абай", residents=None)
    for i in range(3):
        make.learner(village=village, name=f"L{i}")
    sign_in(client, make.staff(Role.COORDINATOR))
    post(client, "/language", {"lang": lang}, page="/district/")
    figure = {"residents": "100", "source": "Статистика", "date": "01.01.2026", "adults": "1"} | change
    post(client, f"/district/villages/{village.id}", figure, page="/district/")
    db.session.refresh(village)
    assert village.residents is None  # refused: nothing stored
    shown = client.get("/district/").get_data(as_text=True)
    assert translated(message, lang, residents=2, learners=3) in shown


def test_csv_import_creates_and_updates(coordinator_client, make):
    make.village("Абай", residents=10)
    data = ("name_kk;name_ru;okrug_kk;okrug_ru;residents;residents_source;residents_date\n"
            "Абай;Абай;Қарақұм;Каракум;2000;Статистика;01.01.2026\nБөген;Бугень;;;700;Әкімдік;2025-12-31\n")
    response = upload(coordinator_client, data.encode("utf-8-sig"))
    assert response.status_code == 302
    villages = {v.name_kk: v for v in db.session.scalars(db.select(Village))}
    assert villages["Абай"].residents == 2000 and villages["Абай"].okrug_ru == "Каракум"
    assert villages["Бөген"].residents == 700 and len(villages) == 2
    assert villages["Бөген"].residents_on == date(2025, 12, 31) and villages["Бөген"].residents_adults


def test_csv_residents_without_source_and_date_or_below_the_learners_are_refused(coordinator_client, make):
    village = make.village("Абай", residents=None)
    for i in range(3):
        make.learner(village=village, name=f"L{i}")
    data = ("name_kk;name_ru;residents;residents_source;residents_date\n"
            "Абай;Абай;2;Статистика;01.01.2026\nБөген;Бугень;700;;\nЖаңа;Жана;0;Статистика;01.01.2026\n")
    response = upload(coordinator_client, data.encode())
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert translated("%(residents)d adult residents is fewer than the %(learners)d learners registered in this "
                      "village. Check the figure.", residents=2, learners=3) in text
    assert translated("Say where the number of residents comes from (the source).") in text
    assert translated("The number of adult residents must be at least 1.") in text
    assert db.session.scalar(db.select(Village.residents).where(Village.name_kk == "Абай")) is None


@pytest.mark.parametrize("data, line", [
    ("village,people\nАбай,10\n".encode(), 1),  # wrong header
    ("name_kk,name_ru,residents\nАбай,Абай,ten\n".encode(), 2),
    ("name_kk,name_ru\nАбай,Абай\nАбай,Абай\n".encode(), 3),  # listed twice
    ("name_kk,name_ru\nАбай,\n".encode(), 2),
    # Windows-1251 has no Ә, Ө, Қ…: Excel writes "?" for them and the name is lost.
    ("name_kk,name_ru\nБөген,Бугень\n".encode("cp1251", errors="replace"), 2),
    (b"name_kk,name_ru\n\x00\x9f\xff\xfe\x81\x00\x98\x00", 2),  # not text in any encoding
])
def test_bad_csv_imports_nothing_and_names_the_line(coordinator_client, data, line):
    response = upload(coordinator_client, data)
    assert response.status_code == 400
    assert translated("Line %(num)d", num=line) in response.get_data(as_text=True)
    assert db.session.scalars(db.select(Village)).all() == []


def test_village_import_command(runner, tmp_path):
    good = tmp_path / "v.csv"
    good.write_text("name_kk,name_ru,residents,residents_source,residents_date\nАбай,Абай,2000,Stat,01.01.2026\n",
                    encoding="utf-8")
    result = runner.invoke(args=["village", "import", str(good)])
    assert result.exit_code == 0 and "1 villages" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("name_kk,name_ru,residents\nБөген,Бугень,x\n", encoding="utf-8")
    result = runner.invoke(args=["village", "import", str(bad)])
    assert result.exit_code == 1 and f"{bad}:2:" in result.output


def test_trainers_cannot_manage_villages(client, make):
    village = make.village("Абай")
    sign_in(client, make.staff(Role.TRAINER, [village]))
    assert post(client, f"/district/villages/{village.id}", {"residents": "5"}, page="/trainer/").status_code == 403


def test_coordinator_creates_a_trainer_and_assigns_villages(coordinator_client, make):
    abai, bogen = make.village("Абай"), make.village("Бөген")
    response = post(coordinator_client, "/district/trainers", {"name": "Айдана Т.", "username": "aidana"},
                    page="/district/trainers")
    text = response.get_data(as_text=True)
    password = re.search(r"aidana · (\S+)</p>", text).group(1)
    from app.models import User

    trainer = db.session.scalar(db.select(User).where(User.username == "aidana"))
    assert trainer.role == Role.TRAINER and trainer.check_secret(password) and trainer.villages == []
    post(coordinator_client, f"/district/trainers/{trainer.id}/villages", {"village": [str(abai.id)]},
         page="/district/trainers")
    db.session.refresh(trainer)
    assert [v.name_kk for v in trainer.villages] == ["Абай"]
    again = post(coordinator_client, "/district/trainers", {"name": "X", "username": "aidana"}, page="/district/trainers")
    assert again.status_code == 302  # taken: a message, nothing created
    assert len(db.session.scalars(db.select(User).where(User.username == "aidana")).all()) == 1
    assert post(coordinator_client, f"/district/trainers/{abai.id}/villages", {}, page="/district/trainers").status_code == 404
    assert bogen not in trainer.villages


def test_trainers_page_is_for_coordinators_only(client, make):
    village = make.village("Абай")
    sign_in(client, make.staff(Role.TRAINER, [village]))
    assert client.get("/district/trainers").status_code == 403


def test_import_keeps_the_okrug_when_the_column_is_missing(coordinator_client, make):
    village = make.village("Абай", residents=10)
    village.okrug_kk = "Қарақұм"
    db.session.commit()
    upload(coordinator_client, "name_kk,name_ru,residents,residents_source,residents_date\nАбай,Абай,2100,S,01.01.2026\n"
           .encode())
    db.session.refresh(village)
    assert village.okrug_kk == "Қарақұм" and village.residents == 2100


def test_unusual_digits_are_refused_not_crashed(coordinator_client, make):
    village = make.village("Абай", residents=10)
    response = post(coordinator_client, f"/district/villages/{village.id}", {"residents": "²"}, page="/district/")
    assert response.status_code == 302
    db.session.refresh(village)
    assert village.residents == 10


def test_the_demo_note_is_shown_in_the_pages_language(coordinator_client, make):
    from app.district.villages import DEMO_SOURCE

    village = make.village("Абай", residents=2206)
    village.residents_source = DEMO_SOURCE
    db.session.commit()
    text = coordinator_client.get("/district/").get_data(as_text=True)
    assert "census" not in re.sub(r"<[^>]*>", " ", text)  # no English shown in the Kazakh interface
    assert translated(DEMO_SOURCE, "kk") in text


def test_village_list_saved_by_excel_in_windows_1251_is_accepted(coordinator_client):
    data = "name_kk;name_ru;okrug_kk;okrug_ru;residents;residents_source;residents_date\n" \
           "Аралкум;Аралкум;Аманоткел;Аманоткель;950;Стат;01.01.2026\nЖанакурылыс;Жанакурылыс;;;1 200;Стат;01.01.2026\n"
    response = upload(coordinator_client, data.encode("cp1251"))
    assert response.status_code == 302, response.get_data(as_text=True)
    villages = {v.name_kk: v for v in db.session.scalars(db.select(Village))}
    assert villages["Аралкум"].okrug_ru == "Аманоткель" and villages["Жанакурылыс"].residents == 1200


def test_village_list_in_the_kazakh_code_page_keeps_its_kazakh_letters(coordinator_client):
    data = "name_kk;name_ru;residents;residents_source;residents_date\nҚаратерең;Каратерень;1500;Стат;01.01.2026\n" \
           "Әйтеке;Айтеке;400;Стат;01.01.2026\n"
    response = upload(coordinator_client, data.encode("kz1048"))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert {v.name_kk for v in db.session.scalars(db.select(Village))} == {"Әйтеке", "Қаратерең"}


def test_a_village_list_longer_than_the_cap_is_refused_whole(app, coordinator_client):
    app.config["CSV_MAX_ROWS"] = 50
    lines = "".join(f"Ауыл {n};Аул {n}\n" for n in range(51))
    response = upload(coordinator_client, ("name_kk;name_ru\n" + lines).encode())
    assert response.status_code == 400
    assert translated("The file has more than %(limit)d lines. Nothing was imported: "
                      "split it into files of at most %(limit)d lines.", limit=50) in response.get_data(as_text=True)
    assert db.session.scalars(db.select(Village)).all() == []
