"""The report's data as tables, then as XLSX (openpyxl) and CSV. Call inside `force_locale(lang)`
so that headers are in the report's language. Every text cell is made safe for spreadsheets."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask_babel import gettext as _

from ..csv_import import safe_cell
from .figures import Figures


class Percent(float):
    """A percentage as the page shows it (30.0 for 30 %): CSV writes the number, XLSX a
    percentage cell (0.3 shown as 30.0 %) that a spreadsheet can compute with."""


def _pct(value):
    return None if value is None else Percent(round(value * 100, 1))


def _pct_points(value):
    """A difference of shares in percentage points (a plain number: 12.5 for +12.5 points)."""
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
    header += [_("Awareness: right before, %"), _("Awareness: right after, %"),
               _("Awareness: change, percentage points"), _("Awareness: of those who did not know, now know, %"),
               _("Awareness change, %"),
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
        cells += [_pct(a.before), _pct(a.after), _pct_points(a.change_pp), _pct(a.newly_known), _pct(a.relative), *net,
                  sum(v[0] for v in f.problems.values()), sum(v[1] for v in f.problems.values())]
        return cells

    for village, f in per_village:
        okrug = village.okrug_ru if lang == "ru" else village.okrug_kk
        rows.append(row(village.name(lang), okrug or "", f))
    rows.append(row(_("All villages"), "", total))
    return rows


def awareness_table(per_village, total: Figures, item_titles: dict, lang: str) -> list[list]:
    rows = [[_("Village"), _("Item"), _("Learners with both surveys"), _("Right before, %"), _("Right after, %"),
             _("Change, percentage points"), _("Of those who did not know, now know, %"), _("Change, %")]]
    for name, f in [(v.name(lang), f) for v, f in per_village] + [(_("All villages"), total)]:
        for r in [*f.awareness, f.awareness_all]:
            title = _("All items (every pair of answers)") if r.item == "all" else item_titles.get(r.item, r.item)
            rows.append([name, title, r.pairs, _pct(r.before), _pct(r.after), _pct_points(r.change_pp),
                         _pct(r.newly_known), _pct(r.relative)])
    return rows


def forms_table(per_village, total: Figures, levels, lang: str) -> list[list]:
    """Each level's test forms: learners and mean as test before and as test after."""
    rows = [[_("Village"), _("Level"), _("Form"), _("As test before: learners"), _("As test before: mean, %"),
             _("As test after: learners"), _("As test after: mean, %")]]
    for name, f in [(v.name(lang), f) for v, f in per_village] + [(_("All villages"), total)]:
        for level in levels:
            c = f.forms.get(level.id)
            for form in ("A", "B") if c else ():
                pre, post = c.cells[(form, "pre")], c.cells[(form, "post")]
                rows.append([name, level.title(lang), form, pre.n, _pct(pre.mean), post.n, _pct(post.mean)])
    return rows


def problem_table(problems, categories: dict, statuses: dict, lang: str) -> list[list]:
    rows = [[_("Village"), _("Category"), _("Date"), _("Problem"), _("Proposed solution"), _("Status")]]
    for p in problems:
        rows.append([p.village.name(lang), str(categories.get(p.category, p.category)), p.found_on,
                     p.description, p.solution, str(statuses.get(p.status, p.status))])
    return rows


PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "DD.MM.YYYY"  # as dates are written in Kazakhstan
MAX_WIDTH = 40  # characters; longer text wraps


def _shown_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, Percent):
        return len(f"{value:.1f} %")
    if isinstance(value, date):
        return 10
    return max(len(line) for line in str(value).splitlines() or [""])


def to_xlsx(sheets: list[tuple[str, list[list]]]) -> bytes:
    """Each sheet with a bold, wrapped header row, columns as wide as their content,
    percentages and dates as real spreadsheet numbers and dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title[:31])
        for row in rows:
            sheet.append([float(c) / 100 if isinstance(c, Percent) else safe_cell(c) for c in row])
        for row_cells, row in zip(sheet.iter_rows(min_row=2), rows[1:], strict=True):
            for cell, value in zip(row_cells, row, strict=False):
                if isinstance(value, Percent):
                    cell.number_format = PERCENT_FORMAT
                elif isinstance(value, date):
                    cell.number_format = DATE_FORMAT
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for index in range(1, sheet.max_column + 1):
            body = max((_shown_width(r[index - 1]) for r in rows[1:] if len(r) >= index), default=0)
            header = min(_shown_width(rows[0][index - 1]) if rows and len(rows[0]) >= index else 0, 16)
            sheet.column_dimensions[get_column_letter(index)].width = min(max(body, header, 6) + 2, MAX_WIDTH)
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
