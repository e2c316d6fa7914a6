"""Report pages and exports. A trainer sees their own villages; a coordinator the district."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.roles import guard_blueprint, visible_villages
from ..course import get_course
from ..i18n import LANGUAGES, current_language
from ..models import Role, Village, get_by_id
from ..trainer.problems import CATEGORY_LABELS, STATUS_LABELS
from . import export
from .page import build_report

bp = Blueprint("reports", __name__)
guard_blueprint(bp, Role.TRAINER, Role.COORDINATOR)
FORMATS = ("html", "print", "xlsx", "csv")


def _villages_or_404(scope: str, village_id: str | None) -> tuple[list[Village], str]:
    if scope == "district":
        if current_user.role != Role.COORDINATOR:
            abort(403)
        return visible_villages(current_user), "district"
    village = get_by_id(Village, village_id)
    if village is None or village.id not in {v.id for v in visible_villages(current_user)}:
        abort(404)
    return [village], "village"


@bp.get("/district", defaults={"fmt": "html"})
@bp.get("/district.<fmt>")
def district(fmt: str):
    return _report("district", None, fmt)


@bp.get("/village/<village_id>", defaults={"fmt": "html"})
@bp.get("/village/<village_id>.<fmt>")
def village(village_id: str, fmt: str):
    return _report("village", village_id, fmt)


def _report(scope: str, village_id: str | None, fmt: str):
    if fmt not in FORMATS:
        abort(404)
    villages, scope = _villages_or_404(scope, village_id)
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else current_language()
    return render_report(scope, villages, lang, fmt)


def _links(scope: str, village_id, lang: str) -> dict:
    def url(fmt, code=lang):
        if scope == "district":
            return url_for("reports.district", fmt=fmt, lang=code)
        return url_for("reports.village", village_id=village_id, fmt=fmt, lang=code)

    return {"kk": url("html", "kk"), "ru": url("html", "ru"), "print": url("print"), "xlsx": url("xlsx"),
            "csv": url("csv")}


def render_report(scope: str, villages: list[Village], lang: str, fmt: str):
    """The report as a response (web) — also used by `flask report` through a test request."""
    with force_locale(lang):
        title = (_("Aral district: digital literacy programme report") if scope == "district" else
                 _("%(village)s: digital literacy programme report", village=villages[0].name(lang)))
        report = build_report(title, villages, get_course(), lang)
        if fmt in ("html", "print"):
            return render_template("reports/report.html", r=report, printable=fmt == "print",
                                   links=_links(scope, villages[0].id, lang), now=datetime.now(UTC),
                                   categories=CATEGORY_LABELS, statuses=STATUS_LABELS)
        table = export.figure_table(report.per_village, report.total, report.levels, lang)
        stem = "aral-district" if scope == "district" else f"village-{villages[0].id}"
        if fmt == "csv":
            return Response(export.to_csv(table), mimetype="text/csv",
                            headers={"Content-Disposition": f'attachment; filename="{stem}-{lang}.csv"'})
        sheets = [(_("Figures"), table),
                  (_("Awareness"), export.awareness_table(report.per_village, report.total, report.item_titles, lang)),
                  (_("Problems"), export.problem_table(report.problems, CATEGORY_LABELS, STATUS_LABELS, lang))]
        return Response(export.to_xlsx(sheets),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{stem}-{lang}.xlsx"'})
