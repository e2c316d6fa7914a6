"""The report's data as tables, then as XLSX (openpyxl) and CSV. Call inside `force_locale(lang)`
so that headers are in the report's language. Every text cell is made safe for spreadsheets."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from ..csv_import import safe_cell
from .figures import Figures


def _pct(value):
    return None if value is None else round(value * 100, 1)


def figure_table(per_village, total: Figures, levels, lang: str) -> list[list]:
    """One row per village and one for all of them, with the same columns as the page."""
    header = [_("Village"), _("Rural okrug"), _("Adult residents"), _("Learners reached"), _("Coverage, %")]
    for level in levels:
        title = level.title(lang)
        header += [f"{title}: " + _("enrolled"), f"{title}: " + _("took the post-test"),
                   f"{title}: " + _("learners with both tests"), f"{title}: " + _("pre-test mean, %"),
                   f"{title}: " + _("post-test mean, %"), f"{title}: " + _("relative gain, %"),
                   f"{title}: " + _("Hake's normalised gain"), f"{title}: " + _("drop-outs")]
    header += [_("Awareness before, %"), _("Awareness after, %"), _("Awareness change, %"),
               _("Internet at home: none"), _("Internet at home: mobile only"), _("Internet at home: fixed line"),
               _("Problems open"), _("Problems solved")]
    rows = [header]

    def row(name, okrug, f: Figures):
        cells = [name, okrug, f.residents, f.reached, _pct(f.coverage.value)]
        for level in levels:
            g = f.gains[level.id]
            cells += [f.enrolled[level.id], f.finished[level.id], g.pairs, _pct(g.mean_pre), _pct(g.mean_post),
                      _pct(g.relative), None if g.hake is None else round(g.hake, 3), g.dropouts]
        a = f.awareness_all
        net = f.internet.counts or (0, 0, 0)
        cells += [_pct(a.before), _pct(a.after), _pct(a.relative), *net,
                  sum(v[0] for v in f.problems.values()), sum(v[1] for v in f.problems.values())]
        return cells

    for village, f in per_village:
        okrug = village.okrug_ru if lang == "ru" else village.okrug_kk
        rows.append(row(village.name(lang), okrug or "", f))
    rows.append(row(_("All villages"), "", total))
    return rows


def awareness_table(per_village, total: Figures, item_titles: dict, lang: str) -> list[list]:
    rows = [[_("Village"), _("Item"), _("Learners with both surveys"), _("Aware before, %"), _("Aware after, %"),
             _("Change, %")]]
    for name, f in [(v.name(lang), f) for v, f in per_village] + [(_("All villages"), total)]:
        for r in f.awareness:
            rows.append([name, item_titles.get(r.item, r.item), r.pairs, _pct(r.before), _pct(r.after),
                         _pct(r.relative)])
    return rows


def problem_table(problems, categories: dict, statuses: dict, lang: str) -> list[list]:
    rows = [[_("Village"), _("Category"), _("Date"), _("Problem"), _("Proposed solution"), _("Status")]]
    for p in problems:
        rows.append([p.village.name(lang), str(categories.get(p.category, p.category)), p.found_on.isoformat(),
                     p.description, p.solution, str(statuses.get(p.status, p.status))])
    return rows


def to_xlsx(sheets: list[tuple[str, list[list]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title[:31])
        for row in rows:
            sheet.append([safe_cell(c) for c in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(rows: list[list]) -> bytes:
    """CSV as Excel in Kazakh and Russian settings reads it: ";" between values, decimal comma,
    UTF-8 with a BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in rows:
        writer.writerow(["" if c is None else str(c).replace(".", ",") if isinstance(c, float) else safe_cell(c)
                         for c in row])
    return out.getvalue().encode("utf-8-sig")
