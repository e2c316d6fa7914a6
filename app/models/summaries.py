"""Progress summaries: projections of the events, kept by the one writer (app/progress/record.py)
and by the sync import, rebuilt from the events by `flask progress rebuild`.

Never written anywhere else, never the truth: delete them all and the rebuild gives them back.
They never travel between servers (each server keeps its own from the events it holds).
"""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class ProgressItem(db.Model):  # type: ignore[name-defined]  # db.Model is made at run time
    """One learner's state in one lesson, test, survey (or account history) (`app.progress.summary.ItemSummary`)."""

    __tablename__ = "progress_item"
    __table_args__ = (Index("ix_progress_item_item", "item_id"),)  # the reports read one test across learners

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # lesson | test | survey | exercise
    events: Mapped[int] = mapped_column(Integer)
    # The latest event's place in the learner's order (lamport, origin, seq): where to continue.
    last_lamport: Mapped[int] = mapped_column(Integer)
    last_origin: Mapped[str] = mapped_column(String(36))
    last_seq: Mapped[int] = mapped_column(Integer)
    last_activity: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    best_score: Mapped[float | None] = mapped_column(Float)  # lessons: the best finished attempt
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    open_attempt: Mapped[bool] = mapped_column(Boolean, default=False)
    shown_finished: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float | None] = mapped_column(Float)  # tests: the counted (first) score
    taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    role: Mapped[str | None] = mapped_column(String(4))  # tests: "pre"/"post" recorded with it, or none
    counted_lamport: Mapped[int | None] = mapped_column(Integer)  # tests: the first one's Lamport step
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class ProgressLearner(db.Model):  # type: ignore[name-defined]
    """One row per learner with at least one learning event (a lesson, test or survey; a move or a
    join is the account's history, not taking part): "did anything" without scanning the events."""

    __tablename__ = "progress_learner"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    events: Mapped[int] = mapped_column(Integer)


class ReportLearner(db.Model):  # type: ignore[name-defined]
    """The district figures' facts of one learner with a test or a survey, already decided from
    their summaries by the report's rules (app/reports/person_facts.py): the database adds these
    narrow rows up per village (app/reports/aggregates.py) instead of reading every summary.

    The awareness answers are bit masks, bit k for the k-th knowledge item: answered in both
    surveys, right before, right after, not right before, and of those right after
    (the five counts of `figures.Tally.known`). `basis` tells which content they were judged with; rows
    of another basis are read learner by learner until `flask progress rebuild`."""

    __tablename__ = "report_learner"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    basis: Mapped[str] = mapped_column(String(16))
    intake_from: Mapped[str | None] = mapped_column(String(5))  # "own" | "paper" | None
    exit_from: Mapped[str | None] = mapped_column(String(5))
    both: Mapped[bool] = mapped_column(Boolean, default=False)  # answers to both surveys
    internet: Mapped[int | None] = mapped_column(Integer)  # the internet question's first option
    paired: Mapped[int] = mapped_column(BigInteger, default=0)
    knew: Mapped[int] = mapped_column(BigInteger, default=0)
    knows: Mapped[int] = mapped_column(BigInteger, default=0)
    unaware: Mapped[int] = mapped_column(BigInteger, default=0)  # answered in both, not right before
    learned: Mapped[int] = mapped_column(BigInteger, default=0)  # of those, right after


class ReportLevel(db.Model):  # type: ignore[name-defined]
    """A learner's first pre-test and post-test of a level, as the figures count them."""

    __tablename__ = "report_level"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    level: Mapped[str] = mapped_column(String(64), primary_key=True)
    pre: Mapped[float | None] = mapped_column(Float)
    post: Mapped[float | None] = mapped_column(Float)
    pre_form: Mapped[str | None] = mapped_column(String(1))
    post_form: Mapped[str | None] = mapped_column(String(1))
    pre_on: Mapped[date | None] = mapped_column(Date)  # the drop-out rule counts from it
