"""Report pages and exports. A trainer sees their own villages; a coordinator the district."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user

from ..auth.roles import guard_blueprint, visible_villages
from ..i18n import LANGUAGES, current_language
from ..models import Role, Village, get_by_id
from . import document

bp = Blueprint("reports", __name__)
guard_blueprint(bp, Role.TRAINER, Role.COORDINATOR)
FORMATS = ("html", "print", "xlsx", "csv", "plan.csv")


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
@bp.get("/village/<uuid:village_id>.<fmt>")  # a UUID has no dot: "<id>.plan.csv" splits after the id
def village(village_id, fmt: str):
    return _report("village", str(village_id), fmt)


def _report(scope: str, village_id: str | None, fmt: str):
    if fmt not in FORMATS:
        abort(404)
    villages, scope = _villages_or_404(scope, village_id)
    asked = request.args.get("lang", "")
    lang = asked if asked in LANGUAGES else current_language()
    return render_report(scope, villages, lang, fmt)


def _links(scope: str, village_id, lang: str) -> dict:
    def url(fmt, code=lang):
        if scope == "district":
            return url_for("reports.district", fmt=fmt, lang=code)
        return url_for("reports.village", village_id=village_id, fmt=fmt, lang=code)

    return {"kk": url("html", "kk"), "ru": url("html", "ru"), "print": url("print"), "xlsx": url("xlsx"),
            "csv": url("csv"), "plan_csv": url("plan.csv")}


def render_report(scope: str, villages: list[Village], lang: str, fmt: str):
    """The report page (html, print) or one of its files (xlsx, csv), as a response.

    The printable page is the site's page (with its sign-out, hidden on paper) around the same
    report as `flask report`'s HTML file."""
    if fmt in ("xlsx", "csv", "plan.csv"):
        found = document.report_file(scope, villages, lang, fmt)
        return Response(found.data, mimetype=found.mimetype,
                        headers={"Content-Disposition": f'attachment; filename="{found.filename}"'})
    report = document.make_report(scope, villages, lang)
    with force_locale(lang):
        return render_template("reports/report.html", printable=fmt == "print",
                               links=_links(scope, villages[0].id, lang), **document.page_context(report))
