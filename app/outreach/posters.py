"""A class's poster (printed A4, in Kazakh or Russian) and the same news as a short text for the
village's messenger group. Made inside `force_locale(lang)` so that every word is in one language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from markupsafe import Markup

from ..course import get_course
from ..models import TrainingClass
from . import schedule


@dataclass(frozen=True)
class Poster:
    cls: TrainingClass
    lang: str
    title: str  # the level
    village: str
    dates: str  # both days on one line (the messenger text)
    days: list  # each day on its own line (the poster)
    venue: str
    lessons: list
    bring: str
    seats: int | None
    url: str  # what the QR code holds
    qr: Markup
    local_address: bool  # the QR holds an address only this computer can open
    message: str  # for the messenger group


def day_text(day: date, today: date | None = None) -> str:
    """"Sunday, 13 December" in the current language (the year only when it is not this year)."""
    pattern = "EEEE, d MMMM" if day.year == (today or date.today()).year else "EEEE, d MMMM y"
    text = format_date(day, pattern)
    return text[:1].upper() + text[1:]


def dates_text(day1: date, day2: date) -> str:
    if day1 == day2:
        return day_text(day1)
    return f"{day_text(day1)} – {day_text(day2)}"


def make_poster(cls: TrainingClass, lang: str) -> Poster:
    course = get_course()
    level = course.level(cls.level)
    url = schedule.registration_url(cls, lang)
    with force_locale(lang):
        title = level.title(lang) if level else cls.level
        village = cls.village.name(lang)
        dates = dates_text(cls.day1, cls.day2)
        days = [day_text(d) for d in sorted({cls.day1, cls.day2})]
        lessons = schedule.lesson_titles(course, cls, lang)
        bring = cls.bring or _("nothing is needed; if you have a smartphone, bring it.")
        lines = [_("Digital skills class in %(village)s: %(level)s", village=village, level=title),
                 _("When: %(dates)s (two days)", dates=dates) if cls.day1 != cls.day2 else _("When: %(dates)s", dates=dates),
                 _("Where: %(venue)s", venue=cls.venue)]
        if lessons:
            lines.append(_("You will learn: %(topics)s.", topics="; ".join(lessons)))
        lines += [_("What to bring: %(what)s", what=bring), _("Register: %(url)s", url=url)]
    return Poster(cls=cls, lang=lang, title=title, village=village, dates=dates, days=days, venue=cls.venue, lessons=lessons,
                  bring=bring, seats=cls.seats, url=url, qr=schedule.qr_svg(url),
                  local_address=schedule.is_local_address(url), message="\n".join(lines))
