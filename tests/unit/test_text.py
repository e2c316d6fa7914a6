"""One rule for control characters, names and languages."""

import dataclasses

import pytest

from app.content import model
from app.languages import DEFAULT_LANGUAGE, LANGUAGES
from app.text import NAME_MAX, clean_name, without_control


def test_a_name_is_one_line_and_a_paragraph_keeps_its_breaks():
    assert clean_name(" Айгүл\x00\tДемо\x7f\n ") == "Айгүл Демо"
    assert clean_name(None) == ""
    assert without_control("a\x00b\x1b\tc\r\nd\x7f") == "ab\tc\r\nd"
    assert without_control("a\nb", keep="") == "ab"


def test_one_list_of_languages_and_one_name_limit():
    from app import i18n
    from app.models import User, Village

    assert model.LANGUAGES is LANGUAGES is i18n.LANGUAGES and DEFAULT_LANGUAGE == "kk"
    assert User.__table__.c.name.type.length == NAME_MAX == Village.__table__.c.name_kk.type.length


def test_a_learner_is_made_in_one_place(app, make):
    from app.auth import accounts

    village = make.village()
    learner = accounts.new_learner("Дана", village, pin="4702", language="en")
    assert learner.language == DEFAULT_LANGUAGE and learner.check_secret("4702") and len(learner.login_code) == 6
    with pytest.raises(ValueError):
        accounts.new_learner("Дана", village)


def test_the_report_is_built_whole_not_filled_in_afterwards(app, make):
    from flask_babel import force_locale

    from app.course import get_course
    from app.reports.page import Report, build_report

    assert Report.__dataclass_params__.frozen
    with force_locale("ru"):
        report = build_report("title", [make.village(residents=100)], get_course(), "ru")
    assert "coverage" in report.charts and report.recommendations
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.charts = {}
