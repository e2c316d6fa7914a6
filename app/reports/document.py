"""The report as a file (printable HTML, XLSX, CSV) from the data and a language: no request
needed, only an app context. `flask report` writes these files; the report pages serve the same
XLSX and CSV, and show the same report (`make_report`, `page_context`) inside the site's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..course import get_course
from ..models import Village
from ..outreach.plan import plan_rows, plan_table, plan_total, venue_table
from ..trainer.problems import CATEGORY_LABELS, STATUS_LABELS
from . import export
from .page import Report, build_report

FILE_FORMATS = ("print", "xlsx", "csv", "plan.csv")  # plan.csv: the coverage planner
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ReportFile:
    data: bytes
    mimetype: str
    filename: str  # e.g. "aral-district-kk.xlsx"


def make_report(scope: str, villages: list[Village], lang: str) -> Report:
    """The report's figures and texts for the district (`scope` "district") or one village."""
    with force_locale(lang):
        title = (_("Aral district: digital literacy programme report") if scope == "district" else
                 _("%(village)s: digital literacy programme report", village=villages[0].name(lang)))
        return build_report(title, villages, get_course(), lang)


def page_context(report: Report) -> dict:
    """What the report's templates need besides the links (the web page adds those)."""
    planned = plan_rows(report.per_village)  # the coverage planner and venues (outreach/plan.py)
    return {"r": report, "now": datetime.now(UTC), "categories": CATEGORY_LABELS, "statuses": STATUS_LABELS,
            "plan": planned, "plan_total": plan_total(planned)}


def report_file(scope: str, villages: list[Village], lang: str, fmt: str) -> ReportFile:
    """The report in `fmt`: "print" (one HTML document with its style inside), "xlsx" or "csv"."""
    if fmt not in FILE_FORMATS:
        raise ValueError(f"format must be one of {FILE_FORMATS}, not {fmt!r}")
    report = make_report(scope, villages, lang)
    stem = "aral-district" if scope == "district" else f"village-{villages[0].id}"
    with force_locale(lang):
        if fmt == "print":
            html = render_template("reports/report_document.html", printable=True,
                                   inline_css=_stylesheet(), **page_context(report))
            return ReportFile(html.encode("utf-8"), "text/html", f"{stem}-{lang}.html")
        if fmt == "plan.csv":
            return ReportFile(export.to_csv(plan_table(plan_rows(report.per_village), lang)), "text/csv",
                              f"{stem}-plan-{lang}.csv")
        table = export.figure_table(report.per_village, report.total, report.levels, lang)
        if fmt == "csv":
            return ReportFile(export.to_csv(table), "text/csv", f"{stem}-{lang}.csv")
        sheets = [(_("Figures"), table),
                  (_("Awareness"), export.awareness_table(report.per_village, report.total, report.item_titles, lang)),
                  (_("Problems"), export.problem_table(report.problems, CATEGORY_LABELS, STATUS_LABELS, lang)),
                  (_("Test forms"), export.forms_table(report.per_village, report.total, report.levels, lang))]
        planned = plan_rows(report.per_village)
        sheets += [(_("Coverage plan"), plan_table(planned, lang)), (_("Venues"), venue_table(planned, lang))]
        if report.links:  # the district's sync monitor: only where village servers are enrolled
            sheets.append((_("Internet at centres"), export.internet_table(report.links, lang)))
        return ReportFile(export.to_xlsx(sheets), XLSX_TYPE, f"{stem}-{lang}.xlsx")


def _stylesheet() -> Markup:
    """The site's own stylesheet, to put inside a report file (trusted: it is ours)."""
    return Markup((Path(current_app.static_folder or "static") / "site.css").read_text(encoding="utf-8"))
