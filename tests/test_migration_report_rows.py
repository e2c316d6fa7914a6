"""Migration 0013 makes the report rows of a server's existing summaries (with the course it
serves) and takes away the survey answers' text columns of 0012; its downgrade gives them back,
filled from the summaries."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.course import get_course
from app.extensions import db
from app.models import ReportLearner, ReportLevel, User, Village
from app.reports.person_facts import awareness_items, plan_of
from tests.conftest import make_app

BEFORE = "6b2d8f4a1c37"  # 0012: survey answers as text
ORDER = [3, "x", 3]


def _columns(table: str) -> set:
    return {c["name"] for c in sa.inspect(db.engine).get_columns(table)}


def test_the_migration_makes_report_rows_from_the_summaries_and_back(tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.sqlite'}", SQLALCHEMY_ENGINE_OPTIONS={})
    with app.app_context():
        upgrade(revision=BEFORE)
        village = Village(name_kk="Абай", name_ru="Абай")  # these tables are as they were then
        db.session.add(village)
        db.session.flush()
        user = User(role="learner", name="A", login_code="a1", village_id=village.id, language="kk")
        user.set_secret("1357")
        db.session.add(user)
        db.session.commit()
        learner = user.id
        own = {"know-1414": [1], "internet-home": [2]}
        with db.engine.begin() as conn:
            summary = ("INSERT INTO progress_item (user_id, item_id, kind, events, last_lamport, last_origin, last_seq, "
                       "attempts, open_attempt, shown_finished, score, taken_at, role, counted_lamport, detail) VALUES "
                       "(:u, :item, :kind, 1, 1, 'x', 1, 0, 0, 0, :score, '2026-11-01 10:00:00', NULL, :lamport, :detail)")
            conn.execute(sa.text(summary), {"u": learner.hex, "item": "basic-pre", "kind": "test", "score": 0.4,
                                            "lamport": 1, "detail": "{}"})
            conn.execute(sa.text(summary), {"u": learner.hex, "item": "intake", "kind": "survey", "score": None,
                                            "lamport": None, "detail": json.dumps({
                                                "first_own": own, "first_own_order": ORDER,
                                                "latest_own": own, "latest_own_order": ORDER})})
            conn.execute(sa.text(summary), {"u": learner.hex, "item": "exit", "kind": "survey", "score": None,
                                            "lamport": None, "detail": json.dumps({
                                                "latest_paper": {"know-1414": [0]}, "latest_paper_order": ORDER})})
        upgrade()
        assert not {"answers_first", "answers_latest", "answers_paper"} & _columns("progress_item")
        level = db.session.scalars(sa.select(ReportLevel)).one()
        assert (level.user_id, level.level, level.pre, level.post, level.pre_form) == (learner, "basic", 0.4, None, "A")
        assert str(level.pre_on) == "2026-11-01"
        row = db.session.scalars(sa.select(ReportLearner)).one()
        assert (row.intake_from, row.exit_from, row.both, row.internet) == ("own", "paper", True, 2)
        items = awareness_items(get_course())
        bit = 1 << list(items).index("know-1414")
        assert items["know-1414"] == frozenset({0})  # wrong before (1), right after (0): learned
        assert (row.paired, row.knew, row.knows, row.unaware, row.learned) == (bit, 0, bit, bit, bit)
        assert row.basis == plan_of(get_course()).basis
        db.session.remove()
        downgrade(revision=BEFORE)
        assert "report_learner" not in sa.inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT answers_first, answers_first_lamport, answers_latest FROM progress_item "
                                        "WHERE item_id = 'intake'")).one() == (
                ";internet-home=2;know-1414=1;", 3, ";internet-home=2;know-1414=1;")
        db.engine.dispose()
