"""The report's data as tables, then as XLSX (openpyxl) and CSV. Call inside `force_locale(lang)`
so that headers are in the report's language. Every text cell is made safe for spreadsheets."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from ..csv_import import safe_cell
from ..district.villages import source_note
from .figures import Figures
from .stats import Estimate, half_up, percent

G_PLACES = 3  # Hake's gain, as the page shows it


class Percent(float):
    """A percentage as the page shows it (30.0 for 30 %): CSV writes the number, XLSX a
    percentage cell (0.3 shown as 30.0 %) that a spreadsheet can compute with."""


def _pct(value):
    """Rounded half up to one decimal, as on the page (stats.percent)."""
    found = percent(value)
    return None if found is None else Percent(found)


def _pp(value):
    """A change in percentage points, one decimal, half up (a plain number: 25.3)."""
    found = percent(value)
    return None if found is None else float(found)


def _g(value):
    return None if value is None else float(half_up(value, G_PLACES))


def _with_interval(est: Estimate, cell) -> list:
    return [cell(est.value), cell(est.low), cell(est.high)]


def _verdict_text(verdict: str) -> str:
    return {"met": _("met"), "not_met": _("not met"), "unclear": _("cannot tell yet"),
            "too_few": _("too few to judge")}.get(verdict, "")


def _together(per_village, total: Figures) -> list:
    """The "all villages" row, for more than one village only (one village's file holds it alone)."""
    return [(_("All villages"), total)] if len(per_village) > 1 else []


def figure_table(per_village, total: Figures, levels, lang: str) -> list[list]:
    """One row per village and, for more than one village, one for all of them: the page's figures."""
    low, high = _("low end (95 %)"), _("high end (95 %)")
    header = [_("Village"), _("Rural okrug"), _("Adult residents (18 and over)"), _("Confirmed as adults only"),
              _("Source of the residents figure"), _("Date of the residents figure"), _("Learners reached"),
              _("Coverage, %"), _("More learners than residents")]
    for level in levels:
        title = level.title(lang) + ": "
        header += [title + h for h in (
            _("enrolled"), _("took the post-test"), _("learners with both tests"), _("pre-test mean, %"),
            _("post-test mean, %"), _("change, percentage points"), _("change") + ", " + low,
            _("change") + ", " + high, _("relative gain, %"), _("relative gain") + ", " + low,
            _("relative gain") + ", " + high, _("target +30 %"), _("Hake's gain of the means"),
            _("Hake's gain of the means") + ", " + low, _("Hake's gain of the means") + ", " + high,
            _("mean of learners' Hake's gain"), _("mean of learners' Hake's gain") + ", " + low,
            _("mean of learners' Hake's gain") + ", " + high, _("learners in the mean of Hake's gain"),
            _("took the pre-test"), _("drop-outs"), _("still learning"), _("drop-out rate, %"),
            _("drop-outs' pre-test mean, %"), _("pre-test mean of everyone who took it, %"),
            _("change over those who finished and drop-outs, percentage points"), _("post-test only"))]
    header += [_("Awareness: right before, %"), _("Awareness: right after, %"),
               _("Awareness: change, percentage points"), _("Awareness: of those who did not know, now know, %"),
               _("Awareness change, %"),
               _("Internet at home: none"), _("Internet at home: mobile only"), _("Internet at home: fixed line"),
               _("Problems open"), _("Problems solved")]
    rows = [header]

    def row(name, okrug, village, f: Figures):
        cells = [name, okrug, f.residents]
        if village is not None and f.residents:
            cells += [_("yes") if village.residents_adults else _("no"), source_note(village.residents_source),
                      village.residents_on]
        else:
            cells += [None, None, None]
        cells += [f.reached, _pct(f.coverage.value), _("yes") if f.residents_too_few else None]
        for level in levels:
            g = f.gains[level.id]
            cells += [f.enrolled[level.id], f.finished[level.id], g.pairs, _pct(g.mean_pre), _pct(g.mean_post),
                      *_with_interval(g.points, _pp), *_with_interval(g.relative, _pct),
                      _verdict_text(g.verdict) if g.pairs else None,
                      *_with_interval(g.hake, _g), *_with_interval(g.hake_mean, _g), g.hake_mean.n,
                      g.started, g.dropouts, g.still_learning, _pct(g.dropout_rate.value), _pct(g.pre_dropouts),
                      _pct(g.pre_started), _pp(g.points_all), g.post_only]
        a = f.awareness_all
        net = f.internet.counts or (0, 0, 0)
        cells += [_pct(a.before), _pct(a.after), _pp(a.change_pp), _pct(a.newly_known), _pct(a.relative), *net,
                  sum(v[0] for v in f.problems.values()), sum(v[1] for v in f.problems.values())]
        return cells

    for village, f in per_village:
        okrug = village.okrug_ru if lang == "ru" else village.okrug_kk
        rows.append(row(village.name(lang), okrug or "", village, f))
    if len(per_village) > 1:  # one village's file holds that village only
        rows.append(row(_("All villages"), "", None, total))
    return rows


def awareness_table(per_village, total: Figures, item_titles: dict, lang: str) -> list[list]:
    rows = [[_("Village"), _("Item"), _("Learners with both surveys"), _("Right before, %"), _("Right after, %"),
             _("Change, percentage points"), _("Of those who did not know, now know, %"), _("Change, %")]]
    for name, f in [(v.name(lang), f) for v, f in per_village] + _together(per_village, total):
        for r in [*f.awareness, f.awareness_all]:
            title = _("All items (every pair of answers)") if r.item == "all" else item_titles.get(r.item, r.item)
            rows.append([name, title, r.pairs, _pct(r.before), _pct(r.after), _pp(r.change_pp),
                         _pct(r.newly_known), _pct(r.relative)])
    return rows


def forms_table(per_village, total: Figures, levels, lang: str) -> list[list]:
    """Each level's test forms: learners and mean as test before and as test after."""
    rows = [[_("Village"), _("Level"), _("Form"), _("As test before: learners"), _("As test before: mean, %"),
             _("As test after: learners"), _("As test after: mean, %")]]
    for name, f in [(v.name(lang), f) for v, f in per_village] + _together(per_village, total):
        for level in levels:
            c = f.forms.get(level.id)
            for form in ("A", "B") if c else ():
                pre, post = c.cells[(form, "pre")], c.cells[(form, "post")]
                rows.append([name, level.title(lang), form, pre.n, _pct(pre.mean), post.n, _pct(post.mean)])
    return rows


def internet_table(links, lang: str) -> list[list]:
    """The internet at the village centres (the district's sync monitor, app/sync/monitor.py):
    how each village's data last reached the district, and its last network sync."""
    rows = [[_("Rural okrug"), _("Village"), _("Village server"), _("Data last received"), _("By"),
             _("Last network sync"), _("It worked"), _("Round trip, ms"), _("KB/s")]]
    for link in links:
        received, network = link.last_received, link.last_network
        rows.append([(link.village.okrug_ru if lang == "ru" else link.village.okrug_kk) or "", link.village.name(lang),
                     link.server.name if link.server else None,
                     received.started_at.date() if received else None,
                     (_("network") if link.route == "network" else _("USB stick")) if received else _("never"),
                     network.started_at.date() if network else None,
                     (_("yes") if network.ok else _("no")) if network else None,
                     round(network.round_trip_ms) if network and network.round_trip_ms else None,
                     round(link.kib_per_second, 1) if link.kib_per_second else None])
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
            sheet.append([float(Decimal(repr(c)) / 100) if isinstance(c, Percent) else safe_cell(c) for c in row])
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
