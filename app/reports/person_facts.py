"""One person's test and survey facts for the figures, by the report's rules, from the progress
summaries of their account (or accounts: app/people.py). Pure: no Flask, no database.

Two readers share these rules, so they cannot drift apart:
- `queries.learner_facts` (learner by learner, the reference) feeds the summaries of each person's
  accounts into a `PersonFacts`;
- the one writer of progress keeps each learner's report rows (`rows.py`) from their own summaries
  with `PersonFacts` and `report_row`, and the database then only adds those rows up
  (`aggregates.py`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..content.model import KNOWLEDGE_PREFIX, Course
from .figures import internet_option, knows

# The awareness answers are kept as bit masks, one bit per knowledge item, in a signed 64-bit
# integer (BIGINT on both databases): bits 0–61, leaving the sign bit and a spare one alone.
MAX_ITEMS = 62
# The version of the rules below that the report rows were made with: raise it when a rule
# changes, and every row counts as made with other content until `flask progress rebuild`.
RULES = 1
SURVEYS = ("intake", "exit")  # the surveys whose answers the figures read


def test_roles(course: Course) -> dict[str, tuple[str, str, str]]:
    """Test id -> (level, its role before counterbalancing, its form)."""
    role_of = {}
    for level in course.levels:
        if level.pretest:
            role_of[level.pretest.id] = (level.id, "pre", "A")
        if level.posttest:
            role_of[level.posttest.id] = (level.id, "post", "B")
    return role_of


def awareness_items(course: Course) -> dict[str, frozenset]:
    """Knowledge question ids and their right options, from the intake survey, in its order."""
    intake = course.surveys.get("intake")
    if intake is None:
        return {}
    return {q.id: frozenset(q.correct_indexes) for q in intake.variant("kk").questions
            if q.id.startswith(KNOWLEDGE_PREFIX)}


class PersonFacts:
    """Gathers a person's test results and survey answers (in any order, from any of their
    accounts) and tells which count: the first test of each (level, role) by Lamport step (a tie
    between forms, which needs two servers: form A), the intake's earliest own answers given
    before the first post-test, the exit's latest own answers, a trainer's paper form where the
    learner has no own answers."""

    def __init__(self, role_of: Mapping[str, tuple[str, str, str]]):
        self.role_of = role_of  # test id -> (level, its role before counterbalancing, its form)
        self.firsts: dict = {}  # (level, role) -> (lamport, score, form, taken_at)
        self.first_post: int | None = None
        self.own: dict = {}  # survey -> [(order, answers), …]: the candidates, decided at the end
        self.paper: dict = {}  # survey -> (order, answers): the latest

    def test(self, item_id: str, score: float, role: str | None, lamport: int | None, taken_at: datetime | None) -> None:
        level, which, form = self.role_of[item_id]
        which = role if role in ("pre", "post") else which
        lamport = lamport or 0
        found = self.firsts.get((level, which))
        if found is None or (lamport, form) < (found[0], found[2]):
            self.firsts[(level, which)] = (lamport, float(score), form, taken_at)
        if which == "post":
            self.first_post = lamport if self.first_post is None else min(self.first_post, lamport)

    def survey(self, survey_id: str, own_order, own_answers, paper_order, paper_answers) -> None:
        """One account's summary of a survey: its own answers (the intake's first, the exit's
        latest) and a trainer's latest paper form, each with its order (lamport, origin, seq)."""
        if own_order is not None and own_answers is not None:
            self.own.setdefault(survey_id, []).append((tuple(own_order), own_answers))
        if paper_order is not None and paper_answers is not None:
            found = self.paper.get(survey_id)
            if found is None or tuple(paper_order) > found[0]:
                self.paper[survey_id] = (tuple(paper_order), paper_answers)

    def tests(self) -> dict[str, dict]:
        """{"pre": {level: score}, "post": …, "pre_on": {level: date}, "pre_form": …, "post_form": …}"""
        found: dict[str, dict] = {"pre": {}, "post": {}, "pre_on": {}, "pre_form": {}, "post_form": {}}
        for (level, which), (_, score, form, taken_at) in self.firsts.items():
            found[which][level] = score
            found[f"{which}_form"][level] = form
            if which == "pre" and taken_at is not None:  # the date the recording server gave it
                found["pre_on"][level] = taken_at.date()
        return found

    def answers(self, survey_id: str) -> tuple[Any, str | None]:
        """(the answers that count, "own" or "paper"), or (None, None)."""
        own = self.own.get(survey_id, [])
        if survey_id == "intake":  # the earliest, and only if it came before the first post-test
            own = [(order, a) for order, a in own if self.first_post is None or order[0] < self.first_post]
            chosen = min(own, key=lambda found: found[0]) if own else None
        else:
            chosen = max(own, key=lambda found: found[0]) if own else None
        if chosen is not None:
            return chosen[1], "own"
        if survey_id in self.paper:
            return self.paper[survey_id][1], "paper"
        return None, None


@dataclass(frozen=True)
class Plan:
    """What a course's report rows are made with."""

    role_of: Mapping[str, tuple[str, str, str]]
    items: Mapping[str, frozenset]
    surveys: tuple[str, ...]
    basis: str  # made_with: rows of another basis are out of date
    usable: bool  # the rows can hold the knowledge items (a bit each)


def plan_of(course: Course) -> Plan:
    """The course's Plan (a few dozen microseconds: worked out anew each time rather than kept,
    so that a course changed in place, as tests do, is never read with an old plan)."""
    role_of, items = test_roles(course), awareness_items(course)
    surveys = tuple(s for s in SURVEYS if s in course.surveys)
    return Plan(role_of, items, surveys, basis(role_of, items, surveys), len(items) <= MAX_ITEMS)


def basis(role_of: Mapping[str, tuple], items: Mapping[str, frozenset], surveys) -> str:
    """What the report rows were made with (the rules' version; the tests' levels, roles and
    forms; the knowledge items, in order, and their right options; which of the two surveys the
    course has): rows made with another basis are out of date, and their villages are read
    learner by learner until rebuilt. A row that could not be made (too many items) has none."""
    text = repr((RULES, sorted(role_of.items()), [(k, sorted(v)) for k, v in items.items()], sorted(surveys)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class LevelRow:
    level: str
    pre: float | None
    post: float | None
    pre_form: str | None
    post_form: str | None
    pre_on: date | None


@dataclass(frozen=True)
class SurveyRow:
    """The awareness facts of one learner, as `figures.Tally.add` counts them: per knowledge item
    (bit k of each mask is item k), answered in both surveys, right before, right after."""

    intake_from: str | None
    exit_from: str | None
    both: bool  # answers to both surveys
    internet: int | None  # the first option of the internet question, if one of INTERNET_OPTIONS
    paired: int
    knew: int
    knows: int
    unaware: int  # answered in both, not right before
    learned: int  # of those, right after


def report_row(person: PersonFacts, items: Mapping[str, frozenset]) -> tuple[list[LevelRow], SurveyRow]:
    tests = person.tests()
    levels = sorted(set(tests["pre"]) | set(tests["post"]))
    level_rows = [LevelRow(lv, tests["pre"].get(lv), tests["post"].get(lv), tests["pre_form"].get(lv),
                           tests["post_form"].get(lv), tests["pre_on"].get(lv)) for lv in levels]
    intake, intake_from = person.answers("intake")
    exit_answers, exit_from = person.answers("exit")
    before, after = intake or {}, exit_answers or {}
    paired = knew = right_after = 0
    if before and after:
        for k, (item, right) in enumerate(items.items()):
            a, b = before.get(item), after.get(item)
            if a and b:
                paired |= 1 << k
                knew |= knows(a, right) << k
                right_after |= knows(b, right) << k
    unaware = paired & ~knew
    return level_rows, SurveyRow(intake_from, exit_from, bool(before and after), internet_option(before), paired,
                                 knew, right_after, unaware, unaware & right_after)
