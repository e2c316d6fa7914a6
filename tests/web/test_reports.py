"""The akimat's figures through the web and the exports, on a small district computed by hand."""

import csv
import io
import re
import uuid
from datetime import date

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models import Attendance, Event, Role, TrainingClass, VillageProblem
from tests.conftest import add_event as add
from tests.conftest import demo_app, drop_schema, sign_in, translated


@pytest.fixture
def district(app, make):
    """Village A: 10 residents, 4 learners. Village B: no residents entered, 1 learner.

    Basic level tests: a1 0.5 -> 1.0, a2 0.5 -> 0.5 (pairs: mean 0.5 -> 0.75, relative +50 %,
    Hake 0.5); a3 pre only (drop-out); a4 enrolled but never came (not reached).
    """
    a, b = make.village("Ауыл-А", residents=10), make.village("Ауыл-Б", residents=None)
    a1, a2, a3, a4 = (make.learner(village=a, name=f"A{i}") for i in range(1, 5))
    b1 = make.learner(village=b, name="B1")
    cls = TrainingClass(village=a, level="basic", day1=date(2026, 11, 2), day2=date(2026, 11, 3), venue="x")
    cls.learners.extend([a1, a2, a3, a4])
    db.session.add(cls)
    db.session.flush()
    db.session.add(Attendance(class_id=cls.id, user_id=a1.id, day=1))
    add(a1, "test_taken", "basic-pre", 0, score=0.5)
    add(a1, "test_taken", "basic-post", 60, score=1.0)
    add(a1, "test_taken", "basic-post", 70, score=0.0)  # a second try does not count
    add(a2, "test_taken", "basic-pre", 0, score=0.5)
    add(a2, "test_taken", "basic-post", 60, score=0.5)
    add(a3, "test_taken", "basic-pre", 0, score=0.25)
    add(b1, "lesson_opened", "alpha", 0)
    db.session.add(VillageProblem(village=a, category="connectivity", found_on=date(2026, 11, 2),
                                  description="=cmd|' /C calc'!A0\x0b", solution="Байланыс", status="open"))
    db.session.commit()
    coordinator = make.staff(Role.COORDINATOR)
    trainer_a = make.staff(Role.TRAINER, [a])
    return {"a": a, "b": b, "coordinator": coordinator, "trainer_a": trainer_a}


def test_village_figures_on_the_page(client, district):
    sign_in(client, district["trainer_a"])
    text = client.get(f"/reports/village/{district['a'].id}?lang=ru").get_data(as_text=True)
    percent = lambda n: re.search(rf">{n}\s%<", text)  # noqa: E731  (Babel puts a no-break space)
    assert percent(30)  # coverage: 3 reached (a1, a2, a3) of 10
    assert percent(50) and percent(75)  # pre and post means over the two pairs
    assert '>0,5 <span class="interval">' in text  # Hake's gain, with a Russian decimal comma


def test_xlsx_holds_the_same_numbers_as_the_page(client, district):
    sign_in(client, district["coordinator"])
    response = client.get("/reports/district.xlsx?lang=kk")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    column = {name: rows[0].index(translated(name)) for name in ("Adult residents (18 and over)", "Learners reached",
                                                                  "Coverage, %")}
    basic = "Негізгі: "  # the fixture level's Kazakh title
    pre, post, hake, drop = (rows[0].index(basic + translated(n)) for n in (
        "pre-test mean, %", "post-test mean, %", "Hake's gain of the means", "drop-outs"))
    village_a = next(r for r in rows if r[0] == "Ауыл-А")
    # percentages are spreadsheet percentages: 0.3 shown as 30.0 %
    assert (village_a[column["Adult residents (18 and over)"]], village_a[column["Learners reached"]],
            village_a[column["Coverage, %"]]) == (10, 3, 0.3)
    assert (village_a[pre], village_a[post], village_a[hake], village_a[drop]) == (0.5, 0.75, 0.5, 1)
    total = rows[-1]
    # only village A has residents: B's learner is reached but left out of the coverage
    assert (total[column["Adult residents (18 and over)"]], total[column["Learners reached"]], total[column["Coverage, %"]]) == \
        (10, 4, 0.3)
    # the page shows the same figures
    page = client.get(f"/reports/village/{district['a'].id}?lang=kk").get_data(as_text=True)
    assert ">50%<" in page and ">75%<" in page and ">30%<" in page
    cell = book.worksheets[2].cell(row=2, column=4).value
    assert cell.startswith("'=") and "\x0b" not in cell  # no formula can run; no character breaks the file


def test_xlsx_cells_are_typed_and_columns_fit(client, district):
    sign_in(client, district["coordinator"])
    book = load_workbook(io.BytesIO(client.get("/reports/district.xlsx?lang=ru").data))
    figures, problems = book.worksheets[0], book.worksheets[2]
    header = [c.value for c in figures[1]]
    coverage = figures.cell(row=2, column=header.index(translated("Coverage, %", "ru")) + 1)
    assert coverage.number_format == "0.0%"
    found = problems.cell(row=2, column=3)
    assert found.is_date and found.value.date() == date(2026, 11, 2) and found.number_format == "DD.MM.YYYY"
    widths = [figures.column_dimensions[letter].width for letter in ("A", "B", "C")]
    assert all(w and w >= 8 for w in widths)  # not the default 8.43 everywhere: wide enough to read
    assert problems.column_dimensions["D"].width > problems.column_dimensions["C"].width


def test_csv_export_is_utf8_with_a_bom_and_safe_cells(client, district):
    sign_in(client, district["coordinator"])
    response = client.get(f"/reports/village/{district['a'].id}.csv?lang=ru")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    coverage = rows[0].index(translated("Coverage, %", "ru"))
    assert rows[1][0] == "Ауыл-А (ru)" and rows[1][coverage] == "30,0"  # as Excel in ru/kk settings reads it
    assert len(rows) == 2  # one village's file: no "all villages" row repeating it


def test_empty_village_and_missing_data_say_not_enough_data(client, make):
    empty = make.village("Бос ауыл", residents=None)
    coordinator = make.staff(Role.COORDINATOR)
    sign_in(client, coordinator)
    response = client.get(f"/reports/village/{empty.id}?lang=ru")
    assert response.status_code == 200
    from tests.conftest import translated

    assert translated("not enough data", "ru") in response.get_data(as_text=True)


def test_printable_report_in_both_languages(client, district):
    sign_in(client, district["coordinator"])
    for lang in ("kk", "ru"):
        text = client.get(f"/reports/district.print?lang={lang}").get_data(as_text=True)
        assert f'<html lang="{lang}">' in text and "<svg" in text and 'class="report printable"' in text


@pytest.mark.parametrize("url", [
    "/reports/village/{b}", "/reports/village/{b}.print", "/reports/village/{b}.xlsx", "/reports/village/{b}.csv",
    "/reports/village/{random}", "/reports/village/not-an-id.csv",
])
def test_trainer_gets_404_for_another_villages_report_and_export(client, district, url):
    sign_in(client, district["trainer_a"])
    response = client.get(url.format(b=district["b"].id, random=uuid.uuid4()))
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/reports/district", "/reports/district.xlsx", "/reports/district.csv"])
def test_only_coordinators_see_the_district(client, district, url):
    sign_in(client, district["trainer_a"])
    assert client.get(url).status_code == 403


def test_learners_and_visitors_see_no_report(client, district, make):
    assert client.get("/reports/district").status_code == 302
    learner = make.learner(village=district["a"])
    sign_in(client, learner)
    assert client.get(f"/reports/village/{district['a'].id}").status_code == 403


def test_report_command_writes_every_format(tmp_path, demo_sqlite):
    app = demo_app(tmp_path, demo_sqlite)
    with app.app_context():
        runner = app.test_cli_runner()
        for lang, fmt in (("kk", "html"), ("ru", "xlsx"), ("kk", "csv")):
            out = tmp_path / f"district.{fmt}"
            result = runner.invoke(args=["report", "district", "--lang", lang, "--format", fmt, "-o", str(out)])
            assert result.exit_code == 0, result.output
            assert out.stat().st_size > 1000
        html = (tmp_path / "district.html").read_text(encoding="utf-8")
        assert '<html lang="kk">' in html and "<svg" in html
        village = runner.invoke(args=["report", "village", "Абай", "--format", "csv", "-o", str(tmp_path / "a.csv")])
        assert village.exit_code == 0
        missing = runner.invoke(args=["report", "village", "Atlantis", "-o", str(tmp_path / "x.html")])
        assert missing.exit_code == 1 and "no village named" in missing.output
        drop_schema()


def test_the_learners_own_first_intake_is_the_before_and_a_paper_entry_is_kept_beside_it(app, make):
    from app.course import get_course
    from app.reports.queries import learner_facts

    village = make.village("Ауыл")
    learner = make.learner(village=village)
    paper_only = make.learner(village=village)
    add(learner, "survey_answered", "intake", 0, answers={"know-1414": [2]})
    add(learner, "survey_answered", "intake", 90, answers={"know-1414": [0]})  # a second own: not "before"
    add(learner, "survey_answered", "intake", 100, answers={"know-1414": [1]}, entered_by="trainer-id")
    add(paper_only, "survey_answered", "intake", 0, answers={"know-1414": [0]}, entered_by="trainer-id")
    db.session.commit()
    facts = {f.intake_source: f for f in learner_facts([village.id], get_course())}
    assert facts["own"].intake == {"know-1414": [2]}  # the paper entry did not replace the learner's answers
    assert facts["paper"].intake == {"know-1414": [0]}  # no own answers: the paper form is used
    assert [e.payload["answers"] for e in db.session.scalars(
        db.select(Event).where(Event.user_id == learner.id).order_by(Event.created_at))][-1] == {"know-1414": [1]}


def test_an_intake_answered_after_the_post_test_is_not_before(app, make):
    from app.course import get_course
    from app.reports.queries import learner_facts

    village = make.village("Ауыл")
    learner = make.learner(village=village)
    add(learner, "test_taken", "basic-pre", 0, score=0.5)
    add(learner, "test_taken", "basic-post", 60, score=1.0)
    add(learner, "survey_answered", "intake", 70, answers={"know-1414": [0]})
    add(learner, "survey_answered", "exit", 80, answers={"know-1414": [0]})
    db.session.commit()
    facts = learner_facts([village.id], get_course())[0]
    assert facts.intake is None and facts.intake_source is None and facts.exit == {"know-1414": [0]}


def test_report_reads_the_recorded_role_and_form_of_each_test(app, make):
    from app.course import get_course
    from app.reports.queries import learner_facts

    village = make.village("Ауыл")
    learner = make.learner(village=village, order="BA")
    add(learner, "test_taken", "basic-post", 0, score=0.25, role="pre")  # form B taken before
    add(learner, "test_taken", "basic-pre", 60, score=0.75, role="post")  # form A after
    db.session.commit()
    facts = learner_facts([village.id], get_course())[0]
    assert facts.pre == {"basic": 0.25} and facts.post == {"basic": 0.75}
    assert facts.pre_form == {"basic": "B"} and facts.post_form == {"basic": "A"}


def test_drop_outs_are_counted_only_after_the_class_ended(app, make):
    from app.course import get_course
    from app.reports.queries import learner_facts

    village = make.village("Ауыл")
    learner = make.learner(village=village)
    cls = TrainingClass(village=village, level="basic", day1=date(2026, 11, 25), day2=date(2026, 11, 26), venue="x")
    cls.learners.append(learner)
    db.session.add(cls)
    add(learner, "test_taken", "basic-pre", 0, score=0.5)
    db.session.commit()
    during = learner_facts([village.id], get_course(), today=date(2026, 11, 26))[0]
    after = learner_facts([village.id], get_course(), today=date(2026, 11, 27))[0]
    assert during.classes_over == frozenset() and after.classes_over == {"basic"}


def _article(html: str) -> str:
    return html[html.index("<article"):html.index("</article>")]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_report_command_writes_what_the_page_serves(app, client, district, lang, tmp_path):
    """`flask report` builds its files without a request, from the same function as the pages:
    the same CSV bytes, the same XLSX cells, the same printable report. By design the file
    carries its stylesheet inside and has no site header (no sign-out, no language forms)."""
    sign_in(client, district["coordinator"])
    runner = app.test_cli_runner()

    def command(fmt):
        out = tmp_path / f"district-{lang}.{fmt}"
        result = runner.invoke(args=["report", "district", "--lang", lang, "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        return out.read_bytes()

    assert command("csv") == client.get(f"/reports/district.csv?lang={lang}").data

    def cells(data):
        book = load_workbook(io.BytesIO(data))
        return {sheet.title: [[c.value for c in row] for row in sheet.iter_rows()] for sheet in book.worksheets}

    assert cells(command("xlsx")) == cells(client.get(f"/reports/district.xlsx?lang={lang}").data)
    page = client.get(f"/reports/district.print?lang={lang}").get_data(as_text=True)
    written = command("html").decode("utf-8")
    assert _article(written) == _article(page) and "<svg" in _article(written)
    assert "<style>" in written and 'rel="stylesheet"' not in written and "csrf_token" not in written
    assert 'rel="stylesheet"' in page and 'action="/logout"' in page


def test_report_file_needs_no_request(app, district):
    from flask import has_request_context

    from app.reports.document import report_file

    assert not has_request_context()
    found = report_file("village", [district["a"]], "ru", "print")
    assert found.filename == f"village-{district['a'].id}-ru.html" and b'<html lang="ru">' in found.data
    with pytest.raises(ValueError):
        report_file("village", [district["a"]], "ru", "pdf")


def test_the_coordinator_lands_on_the_figures(client, district):
    response = sign_in(client, district["coordinator"])
    assert response.headers["Location"] == "/reports/district"
    text = client.get("/reports/district").get_data(as_text=True)
    assert 'href="/district/"' in text  # the villages table is one link away
