"""Villages: edit residents, import the list from CSV (all or nothing, problems by line)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..csv_import import clean_text, read_csv
from ..extensions import db
from ..models import Village
from ..text import NAME_MAX

COLUMNS = ("name_kk", "name_ru", "okrug_kk", "okrug_ru", "residents")
MAX_RESIDENTS = 1_000_000


def _residents(text: str):
    """None for empty; an int; or a message."""
    text = (text or "").replace(" ", "").replace("\u00a0", "")
    if not text:
        return None, None
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_RESIDENTS:
        return None, _l("The number of residents must be a whole number.")
    return int(text), None


def update(village: Village, form) -> str | None:
    residents, problem = _residents(form.get("residents", ""))
    if problem:
        return str(problem)
    village.residents = residents
    village.residents_source = (form.get("source") or "").strip()[:200] or None
    db.session.commit()
    return None


def import_csv(data: bytes) -> tuple[int, list[tuple[int, str]]]:
    """Create or update villages (matched by their Kazakh name)."""
    result = read_csv(data, required=("name_kk", "name_ru"), optional=("okrug_kk", "okrug_ru", "residents"))
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
        if problem:
            problems.append((row["_line"], str(problem)))
        okrugs = {k: " ".join(clean_text(row.get(k), NAME_MAX).split()) for k in ("okrug_kk", "okrug_ru")}
        parsed.append((name_kk, name_ru, okrugs, residents))
    if problems:
        return 0, sorted(problems)
    existing = {v.name_kk.casefold(): v for v in db.session.scalars(db.select(Village))}
    for name_kk, name_ru, okrugs, residents in parsed:
        village = existing.get(name_kk.casefold()) or Village(name_kk=name_kk, name_ru=name_ru)
        village.name_ru = name_ru
        for key, value in okrugs.items():  # an empty or missing column keeps what is there
            if value:
                setattr(village, key, value)
        if residents is not None:
            village.residents, village.residents_source = residents, "CSV"
        db.session.add(village)
    db.session.commit()
    return len(parsed), []
