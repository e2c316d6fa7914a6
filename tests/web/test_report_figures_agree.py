"""The page, the XLSX and the CSV show the same figures, rounded the same way (half up), on a
village computed by hand; residents that cannot be right are flagged."""

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models import Role, TrainingClass
from tests.conftest import add_event as add
from tests.conftest import sign_in, translated


@pytest.fixture
def village(app, make):
    """16 adult residents (from the statistics office, 1 Jan 2026), 13 learners reached:
    coverage 13 / 16 = 81.25 % (Python's round() gives 81.2; half up 81.3).

    Basic level, three who finished: 0.1 -> 0.5, 0.3 -> 0.68, 1.0 -> 1.0 (the last took the
    pre-test twice: 0.0 later, which does not count). Means 1.4/3 = 46.7 % -> 2.18/3 = 72.7 %:
    +26.0 points, relative 0.78 / 1.4 = 55.7 %, Hake's gain of the means 0.78 / 1.6 = 0.4875
    -> 0.488 (round() gives 0.487); learners' g 0.4/0.9 and 0.38/0.7 (the one at 100 % before
    is left out): mean 0.494 over 2. One self-registered learner with a pre-test (0.2) more than
    30 days ago and no post-test: a drop-out. Drop-out rate 1 / 4 = 25 %.
    """
    place = make.village("Ауыл-В", residents=16)
    place.residents_source, place.residents_on, place.residents_adults = "Статистика", date(2026, 1, 1), True
    people = [make.learner(village=place, name=f"V{i}") for i in range(13)]
    cls = TrainingClass(village=place, level="basic", day1=date(2026, 11, 2), day2=date(2026, 11, 3), venue="x")
    cls.learners.extend(people[:3])
    db.session.add(cls)
    for person, (pre, post) in zip(people, [(0.1, 0.5), (0.3, 0.68), (1.0, 1.0)], strict=False):
        add(person, "test_taken", "basic-pre", 0, score=pre)
        add(person, "test_taken", "basic-post", 60, score=post)
    add(people[2], "test_taken", "basic-pre", 70, score=0.0)  # a test taken twice: the first counts
    add(people[3], "test_taken", "basic-pre", 0, score=0.2)  # no class, no post-test, 30+ days ago
    for person in people[4:]:
        add(person, "lesson_opened", "alpha", 0)
    db.session.commit()
    return place


def _page_number(text: str) -> str:
    return text.replace(".", ",")


def test_page_xlsx_and_csv_agree_and_round_half_up(client, make, village):
    sign_in(client, make.staff(Role.COORDINATOR))
    page = client.get(f"/reports/village/{village.id}?lang=ru").get_data(as_text=True)
    page = page.replace("\u00a0", " ")
    book = load_workbook(io.BytesIO(client.get(f"/reports/village/{village.id}.xlsx?lang=ru").data))
    sheet = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    text = client.get(f"/reports/village/{village.id}.csv?lang=ru").data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(sheet) == len(table) == 2  # one village: no "all villages" row
    header = sheet[0]
    assert table[0] == header

    def cell(name, level=True):
        """(XLSX value, CSV text) of a column: a level's columns are named "<level>: <name>"."""
        i = next(j for j, h in enumerate(header) if h.endswith(": " + name)) if level else header.index(name)
        return sheet[1][i], table[1][i]

    ru = lambda msgid: translated(msgid, "ru")  # noqa: E731
    # coverage 81.25 % -> 81.3 everywhere
    assert cell(ru("Coverage, %"), level=False) == (pytest.approx(0.813), "81,3")
    assert ">81,3 %<" in page
    # Hake's gain of the means 0.4875 -> 0.488
    assert cell(ru("Hake's gain of the means")) == (0.488, "0,488")
    assert ">0,488 <" in page
    assert cell(ru("mean of learners' Hake's gain")) == (0.494, "0,494")
    assert cell(ru("learners in the mean of Hake's gain")) == (2, "2")
    assert cell(ru("change, percentage points")) == (26.0, "26,0") and "+26,0 <" in page
    assert cell(ru("relative gain, %")) == (pytest.approx(0.557), "55,7") and ">55,7 % <" in page
    assert cell(ru("pre-test mean, %")) == (pytest.approx(0.467), "46,7")
    assert cell(ru("post-test mean, %")) == (pytest.approx(0.727), "72,7")
    # attrition: 4 took the pre-test, 3 finished, 1 drop-out (self-registered, 30+ days)
    assert cell(ru("took the pre-test"))[0] == 4 and cell(ru("drop-outs"))[0] == 1
    assert cell(ru("drop-out rate, %")) == (pytest.approx(0.25), "25,0")
    assert cell(ru("drop-outs' pre-test mean, %")) == (pytest.approx(0.2), "20,0")
    assert cell(ru("target +30 %")) == (ru("too few to judge"),) * 2  # 3 learners
    # every interval on the page is the one in the files
    as_g = lambda v: f"{v:.3f}".rstrip("0").rstrip(".")  # noqa: E731  (up to 3 decimals, as Babel's #,##0.###)
    for name, shown in ((ru("Hake's gain of the means"), as_g), (ru("change"), "{:+.1f}".format)):
        low = next(j for j, h in enumerate(header) if h.endswith(name + ", " + ru("low end (95 %)")))
        values = sheet[1][low], sheet[1][low + 1]
        assert all(v is not None for v in values)
        assert f"({_page_number(shown(values[0]))} … {_page_number(shown(values[1]))})" in page
        assert [float(v.replace(",", ".")) for v in table[1][low:low + 2]] == list(values)
    # residents: source and date on the page and in the files
    assert "Статистика" in page and "01.01.2026" in page
    assert cell(ru("Source of the residents figure"), level=False)[1] == "Статистика"


def test_residents_that_cannot_be_right_are_flagged(client, make):
    place = make.village("Аз", residents=2)  # not confirmed as adults (as before this check)
    for i in range(3):
        add(make.learner(village=place, name=f"A{i}"), "lesson_opened", "alpha", 0)
    unknown = make.village("Белгісіз", residents=None)
    db.session.commit()
    sign_in(client, make.staff(Role.COORDINATOR))
    page = client.get("/reports/district?lang=kk").get_data(as_text=True)
    assert translated("more learners than residents: check the figure") in page
    assert translated("not confirmed as adults (18 and over)") in page
    assert re.search(r">150%", page.replace("\u00a0", ""))  # shown, and flagged, never hidden
    assert translated("not entered") in page and unknown.name("kk") in page
    book = load_workbook(io.BytesIO(client.get("/reports/district.xlsx?lang=kk").data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    flag = rows[0].index(translated("More learners than residents"))
    assert next(r for r in rows if r[0] == "Аз")[flag] == translated("yes")
    assert rows[-1][0] == translated("All villages")  # two villages: the total row is there


def test_pre_test_only_learners_give_no_gain_but_attrition(client, make):
    place = make.village("Тек", residents=100)
    place.residents_adults = True
    person = make.learner(village=place)
    add(person, "test_taken", "basic-pre", 0, score=0.4)
    db.session.commit()
    sign_in(client, make.staff(Role.COORDINATOR))
    page = client.get(f"/reports/village/{place.id}?lang=ru").get_data(as_text=True)
    assert translated("not enough data for the test results yet", "ru") in page
    rows = list(load_workbook(io.BytesIO(client.get(f"/reports/village/{place.id}.xlsx?lang=ru").data))
                .worksheets[0].iter_rows(values_only=True))
    pairs = next(j for j, h in enumerate(rows[0]) if h.endswith(translated("learners with both tests", "ru")))
    drops = next(j for j, h in enumerate(rows[0]) if h.endswith(": " + translated("drop-outs", "ru")))
    assert rows[1][pairs] == 0 and rows[1][drops] == 1  # self-registered, pre-test 30+ days ago


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_method_and_how_to_read_are_printed_in_both_languages(client, make, village, lang):
    sign_in(client, make.staff(Role.COORDINATOR))
    page = client.get(f"/reports/district.print?lang={lang}").get_data(as_text=True)
    assert translated("How to read these figures", lang) in page and '<section class="read">' in page
    # the method names its constants: 1,000 resamples, the seed, 100 learners, 20 to judge, 30 days
    method = page[page.index('<ul class="method">'):page.index('<section class="read">')]
    for number in ("20261206", "100", "20", "30"):
        assert number in method
    assert re.search(r"1[\s\u00a0]000", method)


def test_district_read_a_group_of_villages_at_a_time_gives_the_same_figures(app, make, village, monkeypatch):
    """The district report reads villages in groups of up to FEW_LEARNERS learners: one group or
    one village at a time, every village's figures and the district's are the same."""
    from app.course import get_course
    from app.models import Village
    from app.reports import queries

    other = make.village("Ауыл-Г", residents=9)
    for i, (pre, post) in enumerate([(0.2, 0.9), (0.5, 0.5), (0.0, 0.4)]):
        person = make.learner(village=other, name=f"G{i}")
        add(person, "test_taken", "basic-pre", 0, score=pre)
        add(person, "test_taken", "basic-post", 60, score=post)
    db.session.commit()
    villages = db.session.scalars(db.select(Village).order_by(Village.name_kk)).all()
    course, today = get_course(), date(2026, 12, 6)
    whole = queries.report_data(villages, course, today)
    monkeypatch.setattr(queries, "FEW_LEARNERS", 1)
    assert len(queries._groups(villages, queries.learner_counts([v.id for v in villages]))) == len(villages)
    apart = queries.report_data(villages, course, today)
    assert [v.id for v, _ in apart[0]] == [v.id for v, _ in whole[0]]
    assert [f for _, f in apart[0]] == [f for _, f in whole[0]]
    assert apart[1] == whole[1]
    assert whole[1].gains["basic"].pairs == 6 and whole[1].reached == 16
