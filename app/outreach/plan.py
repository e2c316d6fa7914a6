"""The coverage planner's rows and the venue facts, for the report (page, XLSX, CSV).

"Reached" and "residents" are the report's own figures (reports/queries.py, figures.py); the
arithmetic is reports/coverage.py. This module only adds the classes planned and the venues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ..i18n import alphabetical
from ..models import Venue, Village
from ..reports.coverage import Plan, furthest_first, plan
from ..reports.export import Percent
from ..reports.stats import half_up
from . import schedule
from .venues import venues_of


@dataclass(frozen=True)
class PlanRow:
    village: Village
    plan: Plan
    classes: int  # classes planned (not over yet)
    seats_unknown: int  # of those, classes without a number of seats
    venue: Venue | None


def plan_rows(per_village, today: date | None = None) -> list[PlanRow]:
    """`per_village`: the report's (Village, Figures) pairs. Furthest from the target first."""
    ids = [v.id for v, _f in per_village]
    planned = schedule.planned_seats(ids, today)
    venues = venues_of(ids)
    rows = []
    for village, f in per_village:
        classes, seats, unknown = planned.get(village.id, (0, 0, 0))
        rows.append(PlanRow(village, plan(f.residents, f.reached, seats), classes, unknown, venues.get(village.id)))
    return [row for row, _plan in furthest_first([(row, row.plan) for row in rows])]


@dataclass(frozen=True)
class PlanTotal:
    """The columns added up over the villages (a village without residents adds no target)."""

    residents: int
    reached: int
    target: int
    to_reach: int
    classes: int
    seats: int
    seats_unknown: int
    short_after: int


def plan_total(rows: list[PlanRow]) -> PlanTotal:
    return PlanTotal(residents=sum(r.plan.residents or 0 for r in rows), reached=sum(r.plan.reached for r in rows),
                     target=sum(r.plan.target or 0 for r in rows), to_reach=sum(r.plan.to_reach or 0 for r in rows),
                     classes=sum(r.classes for r in rows), seats=sum(r.plan.seats for r in rows),
                     seats_unknown=sum(r.seats_unknown for r in rows),
                     short_after=sum(r.plan.short_after or 0 for r in rows))


def plan_table(rows: list[PlanRow], lang: str) -> list[list]:
    """The planner as a sheet (call inside force_locale(lang))."""
    out = [[_("Village"), _("Adult residents"), _("Learners reached"), _("Share of the target reached, %"),
            _("People needed for the target"), _("Still to reach"), _("Classes planned"), _("Seats planned"),
            _("Classes without a number of seats"), _("Still short after the planned classes")]]
    for r in rows:
        p = r.plan
        share = None if p.share_of_target is None else Percent(half_up(p.share_of_target * 100, 1))  # half up, as stats.percent
        out.append([r.village.name(lang), p.residents, p.reached, share, p.target, p.to_reach, r.classes, p.seats,
                    r.seats_unknown, p.short_after])
    if len(rows) > 1:
        t = plan_total(rows)
        out.append([_("All villages"), t.residents, t.reached, None, t.target, t.to_reach, t.classes, t.seats,
                    t.seats_unknown, t.short_after])
    return out


def venue_table(rows: list[PlanRow], lang: str) -> list[list]:
    kinds = {"none": _("none"), "mobile": _("mobile network"), "fixed": _("fixed line")}
    yes_no = {True: _("yes"), False: _("no")}
    out = [[_("Village"), _("Venue"), _("Computers"), _("Projector"), _("Internet"), _("Speed, Mbit/s"),
            _("Speed measured or reported"), _("Contact"), _("Notes"), _("Checked on")]]
    for r in sorted(rows, key=lambda r: alphabetical(r.village.name(lang))):
        v = r.venue
        if v is None:
            out.append([r.village.name(lang), _("not entered")] + [None] * 8)
            continue
        out.append([r.village.name(lang), v.place, v.computers, yes_no.get(v.projector) if v.projector is not None else None,
                    kinds.get(v.internet or "", None), v.internet_mbps,
                    (_("measured") if v.internet_measured else _("reported")) if v.internet_mbps is not None else None,
                    v.contact, v.notes, v.checked_on])
    return out
