"""Villages: edit residents, import the list from CSV (all or nothing, problems by line)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..csv_import import read_csv
from ..extensions import db
from ..models import Village

COLUMNS = ("name_kk", "name_ru", "okrug_kk", "okrug_ru", "residents")
MAX_RESIDENTS = 1_000_000


def _residents(text: str):
    """None for empty; an int; or a message."""
    text = (text or "").replace(" ", "").replace("\u00a0", "")
    if not text:
        return None, None
    if not text.isdigit() or int(text) > MAX_RESIDENTS:
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
        name_kk, name_ru = " ".join(row["name_kk"].split()), " ".join(row["name_ru"].split())
        if not name_kk or not name_ru:
            problems.append((row["_line"], str(_l("Both names, Kazakh and Russian, are needed."))))
            continue
        if name_kk.casefold() in seen:
            problems.append((row["_line"], str(_l("%(name)s is listed twice.", name=name_kk))))
        seen.add(name_kk.casefold())
        residents, problem = _residents(row.get("residents", ""))
        if problem:
            problems.append((row["_line"], str(problem)))
        parsed.append((name_kk, name_ru, row.get("okrug_kk") or None, row.get("okrug_ru") or None, residents))
    if problems:
        return 0, sorted(problems)
    existing = {v.name_kk.casefold(): v for v in db.session.scalars(db.select(Village))}
    for name_kk, name_ru, okrug_kk, okrug_ru, residents in parsed:
        village = existing.get(name_kk.casefold()) or Village(name_kk=name_kk, name_ru=name_ru)
        village.name_ru, village.okrug_kk, village.okrug_ru = name_ru, okrug_kk, okrug_ru
        if residents is not None:
            village.residents, village.residents_source = residents, "CSV"
        db.session.add(village)
    db.session.commit()
    return len(parsed), []
