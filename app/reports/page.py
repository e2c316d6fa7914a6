"""Everything the report page shows, for one village or the district, in one language.
Used by the web pages and by `flask report`; call it inside `force_locale(lang)`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from babel import Locale
from babel.numbers import format_decimal, format_percent
from flask_babel import gettext as _
from flask_babel import ngettext

from ..content.model import KNOWLEDGE_PREFIX, Course
from ..extensions import db
from ..i18n import alphabetical
from ..models import VillageProblem
from . import charts
from .coverage import people_for_target
from .figures import (
    COVERAGE_TARGET,
    DROPOUT_DAYS,
    GAIN_TARGET,
    INTERNET_QUESTION,
    MIN_FOR_TARGET,
    Figures,
)
from .queries import report_data
from .stats import BOOTSTRAP_MAX_N, MIN_TO_JUDGE, RESAMPLES, SEED, Estimate, half_up

TAGS = re.compile(r"<[^>]+>")
# A village where this share of learners has no internet at home is named for the internet projects.
NO_INTERNET_ALERT = 0.3
# An awareness item where fewer of the previously unaware now know is named for more class time.
NEWLY_KNOWN_ALERT = 0.5


@dataclass(frozen=True)
class Report:
    title: str
    lang: str
    villages: list
    per_village: list  # (Village, Figures)
    total: Figures
    levels: tuple
    item_titles: dict
    internet_labels: list
    problems: list
    missing_residents: int
    # How each village's server last reached the district (sync/monitor.py): the internet
    # monitor per rural okrug. Empty on a server with no village servers enrolled.
    links: list = field(default_factory=list)
    # Made from the fields above, once they are set (see build_report).
    recommendations: list = field(default_factory=list)
    charts: dict = field(default_factory=dict)

    # The method's constants, for the method page.
    constants = {"resamples": RESAMPLES, "seed": SEED, "bootstrap_max": BOOTSTRAP_MAX_N, "min_n": MIN_TO_JUDGE,
                 "dropout_days": DROPOUT_DAYS, "awareness_min_n": MIN_FOR_TARGET}

    def pct(self, value) -> str:
        """A share as this language writes percents (CLDR: Russian "30,5 %", Kazakh "30,5%"),
        rounded half up to one decimal at most, as the XLSX and CSV hold it."""
        if value is None:
            return "—"
        pattern = Locale.parse(self.lang).percent_formats[None].pattern.replace("#,##0", "#,##0.#", 1)
        return format_percent(half_up(value * 100, 1) / 100, pattern, locale=self.lang)

    def points(self, value) -> str:
        """A difference of two shares in percentage points, signed, half up: 0.125 -> "+12,5"."""
        if value is None:
            return "—"
        text = format_decimal(half_up(abs(value) * 100, 1), "#,##0.#", locale=self.lang)
        return text if text == "0" else ("+" if value > 0 else "−") + text

    def num(self, value, places: int = 2) -> str:
        """A count, or a number rounded half up to `places` decimals at most (Hake's g: 3)."""
        if value is None:
            return "—"
        return format_decimal(half_up(value, places), "#,##0." + "#" * places, locale=self.lang)

    def pp(self, value) -> str:
        """A change in percentage points, signed: "+25,3"."""
        if value is None:
            return "—"
        text = format_decimal(half_up(value * 100, 1), "#,##0.0", locale=self.lang)
        return text if text.startswith(("-", "−")) else "+" + text

    def interval(self, est: Estimate, kind: str = "pct") -> str:
        """An estimate's 95 % interval as "(low – high)", in the estimate's own unit."""
        if est.low is None or est.high is None:
            return ""
        show = {"pct": self.pct, "pp": self.pp, "g": lambda v: self.num(v, 3)}[kind]
        return f"({show(est.low)} … {show(est.high)})"


def _links_by_okrug(villages, lang: str) -> list:
    from ..sync.monitor import village_links

    okrug = (lambda v: v.okrug_ru or "") if lang == "ru" else (lambda v: v.okrug_kk or "")
    return sorted(village_links(villages), key=lambda link: (alphabetical(okrug(link.village)),
                                                             alphabetical(link.village.name(lang))))


def _plain(html: str) -> str:
    return " ".join(TAGS.sub("", html).split())


def build_report(title: str, villages, course: Course, lang: str) -> Report:
    villages = sorted(villages, key=lambda v: alphabetical(v.name(lang)))  # in the report's language
    per_village, total = report_data(villages, course)
    intake = course.surveys.get("intake")
    questions = {q.id: q for q in intake.variant(lang).questions} if intake else {}
    item_titles = {qid: q.short or _plain(q.text) for qid, q in questions.items() if qid.startswith(KNOWLEDGE_PREFIX)}
    internet = questions.get(INTERNET_QUESTION)
    internet_labels = [_plain(o.text) for o in internet.options] if internet else []
    problems = list(db.session.scalars(
        db.select(VillageProblem).where(VillageProblem.village_id.in_([v.id for v in villages]))
        .order_by(VillageProblem.category, VillageProblem.found_on)))
    report = Report(title=title, lang=lang, villages=list(villages), per_village=per_village, total=total,
                    levels=course.levels, item_titles=item_titles, internet_labels=internet_labels,
                    problems=problems, missing_residents=sum(1 for v in villages if not v.residents),
                    links=_links_by_okrug(villages, lang))
    return replace(report, charts=_charts(report), recommendations=_recommendations(report))


def _charts(r: Report) -> dict:
    rows = [(v.name(r.lang), f) for v, f in r.per_village]
    if len(rows) > 1:
        rows.append((_("All villages"), r.total))
    found = {
        "coverage": charts.bar_chart(
            _("Coverage: learners reached per adult resident"),
            [charts.BarRow(name, f.coverage.value, r.pct(f.coverage.value) if f.coverage.known else _("not enough data"))
             for name, f in rows],
            max_value=1.0, target=COVERAGE_TARGET, target_label=_("target %(target)s", target=r.pct(COVERAGE_TARGET))),
    }
    for level in r.levels:
        found[f"tests-{level.id}"] = charts.paired_bar_chart(
            _("%(level)s: test results before and after (mean)", level=level.title(r.lang)),
            [charts.PairRow(name, f.gains[level.id].mean_pre, f.gains[level.id].mean_post,
                            r.pct(f.gains[level.id].mean_pre), r.pct(f.gains[level.id].mean_post))
             for name, f in rows if f.gains[level.id].pairs],  # villages without both tests: in the table
            before_label=_("before"), after_label=_("after"))
    found["awareness"] = charts.paired_bar_chart(
        _("Knowledge of digital services, before and after (share of right answers)"),
        [charts.PairRow(r.item_titles.get(a.item, a.item), a.before, a.after, r.pct(a.before), r.pct(a.after))
         for a in r.total.awareness],
        before_label=_("before"), after_label=_("after"))
    found["internet"] = charts.stacked_share_chart(
        _("Internet at home (intake survey)"),
        [charts.StackRow(name, list(f.internet.shares), _("%(n)d answered", n=f.internet.answered))
         for name, f in rows if f.internet.answered],
        legend=r.internet_labels, remainder_label=_("no answer"), share_text=r.pct)
    return found


def _recommendations(r: Report) -> list[str]:
    """Plain sentences for the akimat, from the figures and the problems log (stated rules)."""
    notes = []
    for village, f in r.per_village:
        name = village.name(r.lang)
        if f.reached == 0:
            notes.append(_("%(village)s: no one has taken part yet: plan a class there.", village=name))
            continue
        if f.residents_too_few:
            notes.append(_("%(village)s: the adult residents entered (%(residents)s) are fewer than the learners "
                           "reached (%(reached)s): check the figure.", village=name, residents=r.num(f.residents),
                           reached=r.num(f.reached)))
        elif f.residents and not village.residents_adults:
            notes.append(_("%(village)s: the number of residents is not confirmed as adults (18 and over): check it "
                           "and enter it again with its source and date.", village=name))
        if f.coverage.known and f.coverage.value < COVERAGE_TARGET:
            more = max(0, people_for_target(f.residents) - f.coverage.numerator)
            notes.append(_("%(village)s: coverage is %(value)s, below the %(target)s target; about %(more)d more "
                           "residents need to take part.", village=name, value=r.pct(f.coverage.value),
                           target=r.pct(COVERAGE_TARGET), more=more))
        elif not f.coverage.known:
            notes.append(_("%(village)s: enter the number of adult residents, so that coverage can be computed.",
                           village=name))
        shares = f.internet.shares
        if shares and shares[0] >= NO_INTERNET_ALERT:
            notes.append(_("%(village)s: %(value)s of learners have no internet at home: plan practice time "
                           "at the village centre and report the village for the internet projects.",
                           village=name, value=r.pct(shares[0])))
    for level in r.levels:
        g = r.total.gains[level.id]
        if g.relative.value is not None and g.relative.value < GAIN_TARGET:
            notes.append(_("%(level)s: the test results changed by %(value)s, below the %(target)s target: review "
                           "the hardest questions with trainers.", level=level.title(r.lang), value=r.pct(g.relative.value),
                           target=r.pct(GAIN_TARGET)))
        if g.dropouts:
            notes.append(ngettext(
                "%(level)s: %(num)d learner took the pre-test but not the post-test: invite them back.",
                "%(level)s: %(num)d learners took the pre-test but not the post-test: invite them back.",
                g.dropouts, level=level.title(r.lang)))
    low = [r.item_titles.get(a.item, a.item) for a in r.total.awareness
           if a.newly_known is not None and a.newly_known < NEWLY_KNOWN_ALERT]
    if low:
        notes.append(_("Fewer than half of those who did not know now know: %(items)s. Give these topics more "
                       "time.", items="; ".join(low)))
    for p in r.problems:
        if p.status != "solved" and p.solution:
            notes.append(f"{p.village.name(r.lang)}: {p.solution}")
    return notes

