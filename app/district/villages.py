"""Villages: edit residents, import the list from CSV (all or nothing, problems by line).

The residents figure is the denominator of coverage, so it is refused when it cannot be right:
0, fewer than the learners registered in the village (each of them is an adult resident),
without its source and date, or (typed in) without the confirmation that it counts adults
(18 and over) only. A CSV's `residents` column is documented as adults only: importing it
confirms that."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..csv_import import clean_text, read_csv
from ..extensions import db
from ..models import Village
from ..reports.queries import learner_counts
from ..text import NAME_MAX

COLUMNS = ("name_kk", "name_ru", "okrug_kk", "okrug_ru", "residents", "residents_source", "residents_date")
MAX_RESIDENTS = 1_000_000
SOURCE_MAX = 200
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")  # a date field's value; as dates are written in Kazakhstan
# The note `flask demo` stores with its figures. Stored as a fixed key, shown in the page's language.
DEMO_SOURCE = "2009 census, total population (demo figure)"
KNOWN_SOURCES = {DEMO_SOURCE: _l("2009 census, total population (demo figure)")}


def source_note(text: str | None) -> str:
    """Where a residents figure comes from, as shown: the demo's note translated, else as typed."""
    return str(KNOWN_SOURCES.get(text or "", text or ""))


def _residents(text: str):
    """None for empty; an int; or a message."""
    text = (text or "").replace(" ", "").replace("\u00a0", "")
    if not text:
        return None, None
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_RESIDENTS:
        return None, _l("The number of residents must be a whole number.")
    if int(text) == 0:
        return None, _l("The number of adult residents must be at least 1.")
    return int(text), None


def _date(text: str | None) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime((text or "").strip(), fmt).date()
        except ValueError:
            continue
    return None


def _figure_problem(residents: int, learners: int, source: str, on: date | None, today: date):
    """What is wrong with a residents figure and its source and date, or None."""
    if residents < learners:
        return _l("%(residents)d adult residents is fewer than the %(learners)d learners registered in this "
                  "village. Check the figure.", residents=residents, learners=learners)
    if not source:
        return _l("Say where the number of residents comes from (the source).")
    if on is None:
        return _l("Give the date of the number of residents (day.month.year).")
    if on > today:
        return _l("The date of the number of residents cannot be in the future.")
    return None


def update(village: Village, form, today: date | None = None) -> str | None:
    """Set (or, with an empty number, clear) a village's residents, source and date."""
    residents, problem = _residents(form.get("residents", ""))
    if problem:
        return str(problem)
    if residents is None:
        village.residents = village.residents_source = village.residents_on = None
        village.residents_adults = False
        db.session.commit()
        return None
    source = clean_text(form.get("source"), SOURCE_MAX)
    on = _date(form.get("date"))
    problem = _figure_problem(residents, learner_counts([village.id]).get(village.id, 0), source, on,
                              today or date.today())
    if problem is None and not form.get("adults"):
        problem = _l("Count only adults (18 and over), and tick the box that says so.")
    if problem:
        return str(problem)
    village.residents, village.residents_source, village.residents_on = residents, source, on
    village.residents_adults = True
    db.session.commit()
    return None


def import_csv(data: bytes) -> tuple[int, list[tuple[int, str]]]:
    """Create or update villages (matched by their Kazakh name)."""
    result = read_csv(data, required=("name_kk", "name_ru"), optional=COLUMNS[2:],
                      max_rows=current_app.config["CSV_MAX_ROWS"])
    existing = {v.name_kk.casefold(): v for v in db.session.scalars(db.select(Village))}
    learners = learner_counts([v.id for v in existing.values()])
    problems = [(line, str(message)) for line, message in result.problems]
    seen: set[str] = set()
    parsed = []
    for row in result.rows:
        name_kk, name_ru = clean_text(row["name_kk"], 200), clean_text(row["name_ru"], 200)
        name_kk, name_ru = " ".join(name_kk.split()), " ".join(name_ru.split())
        if not name_kk or not name_ru:
            problems.append((row["_line"], str(_l("Both names, Kazakh and Russian, are needed."))))
            continue
        if max(len(name_kk), len(name_ru), len(row.get("okrug_kk", "")), len(row.get("okrug_ru", ""))) > NAME_MAX:
            problems.append((row["_line"], str(_l("A name is longer than %(n)d letters.", n=NAME_MAX))))
        if name_kk.casefold() in seen:
            problems.append((row["_line"], str(_l("%(name)s is listed twice.", name=name_kk))))
        seen.add(name_kk.casefold())
        residents, problem = _residents(row.get("residents", ""))
        source, on = clean_text(row.get("residents_source"), SOURCE_MAX), _date(row.get("residents_date"))
        if residents is not None and problem is None:
            known = existing.get(name_kk.casefold())
            problem = _figure_problem(residents, learners.get(known.id, 0) if known else 0, source, on, date.today())
        if problem:
            problems.append((row["_line"], str(problem)))
        okrugs = {k: " ".join(clean_text(row.get(k), NAME_MAX).split()) for k in ("okrug_kk", "okrug_ru")}
        parsed.append((name_kk, name_ru, okrugs, (residents, source, on)))
    if problems:
        return 0, sorted(problems)
    for name_kk, name_ru, okrugs, (residents, source, on) in parsed:
        village = existing.get(name_kk.casefold()) or Village(name_kk=name_kk, name_ru=name_ru)
        village.name_ru = name_ru
        for key, value in okrugs.items():  # an empty or missing column keeps what is there
            if value:
                setattr(village, key, value)
        if residents is not None:  # the column holds adults only (the import page says so)
            village.residents, village.residents_source, village.residents_on = residents, source, on
            village.residents_adults = True
        db.session.add(village)
    db.session.commit()
    return len(parsed), []
