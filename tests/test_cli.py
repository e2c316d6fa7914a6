"""Command-line tools: content check, demo data, staff accounts."""

import shutil

from app.cli.demo_district import PLAN
from app.extensions import db
from app.models import Role, User, Village
from tests.conftest import FIXTURE_CONTENT, REAL_CONTENT


def test_content_check_passes_on_the_real_course(runner):
    result = runner.invoke(args=["content", "check", str(REAL_CONTENT)])
    assert result.exit_code == 0, result.output
    assert "2 levels, 19 lessons, 4 tests" in result.output


def test_content_check_names_every_problem_in_a_broken_copy(runner, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    alpha = root / "basic/01-alpha/kk.md"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("- [x] Ешкімге", "- [ ] Ешкімге")
                     .replace("pic.kk.svg", "gone.svg"), encoding="utf-8")
    (root / "basic/02-beta/ru.md").unlink()
    result = runner.invoke(args=["content", "check", str(root)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("content/")]
    assert "content/basic/01-alpha/kk.md:12: picture 'gone.svg' not found in 01-alpha/" in lines
    assert any(line.startswith("content/basic/01-alpha/kk.md:14: question 'who' (single) has no correct")
               for line in lines)
    assert any(line.startswith("content/basic/02-beta/kk.md:1: there is no ru.md") for line in lines)
    assert any(line.startswith("content/basic/01-alpha/ru.md:14: question 'who': correct answers differ")
               for line in lines)


def test_content_check_of_one_lesson_folder(runner, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    (root / "second/01-gamma/ru.md").unlink()
    assert runner.invoke(args=["content", "check", str(root / "basic/01-alpha")]).exit_code == 0
    result = runner.invoke(args=["content", "check", str(root / "second/01-gamma")])
    assert result.exit_code == 1 and "second/01-gamma/kk.md:1: there is no ru.md" in result.output


def test_content_list(runner):
    result = runner.invoke(args=["content", "list"])
    assert result.exit_code == 0 and "1. alpha" in result.output and "pre-test: basic-pre" in result.output


def test_demo_loads_villages_and_accounts_once(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "login code aigul" in first.output and "PIN 2580" in first.output
    villages = db.session.scalars(db.select(Village)).all()
    assert {"Жақсықылыш", "Аманөткел", "Қамыстыбас"} <= {v.name_kk for v in villages}
    assert all("demo" in v.residents_source for v in villages)
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert len(db.session.scalars(db.select(Village)).all()) == len(villages)
    trainer = db.session.scalar(db.select(User).where(User.username == "trainer"))
    assert trainer.role == Role.TRAINER and len(trainer.villages) == len({p[0] for p in PLAN})


def test_user_create(runner, make):
    make.village("Абай")
    result = runner.invoke(args=["user", "create", "Aidana", "--role", "trainer", "--name", "Айдана",
                                 "--village", "Абай", "--password", "long-enough-pw"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.username == "aidana"))
    assert user.role == Role.TRAINER and [v.name_kk for v in user.villages] == ["Абай"]
    assert user.check_secret("long-enough-pw") and user.secret_hash != "long-enough-pw"


def test_user_create_refuses_bad_input_with_a_message(runner):
    short = runner.invoke(args=["user", "create", "bob", "--role", "trainer", "--name", "B", "--password", "short"])
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    unknown = runner.invoke(args=["user", "create", "bob", "--role", "trainer", "--name", "B",
                                  "--village", "Atlantis", "--password", "long-enough-pw"])
    assert unknown.exit_code == 1 and "no village named 'Atlantis'" in unknown.output


def test_demo_history_is_written_as_record_writes_it(tmp_path, demo_sqlite):
    """Every demo answer fits its question and every finish score is the attempt's own score,
    because the demo goes through `progress.record` (it once stored answers that could not be graded)."""
    from app.content.grading import grade
    from app.course import get_course
    from app.progress import derive, record
    from tests.conftest import demo_app, drop_schema

    app = demo_app(tmp_path, demo_sqlite)
    with app.app_context():
        course = get_course()
        learners = db.session.scalars(db.select(User).where(User.role == Role.LEARNER)).all()
        events = record.events_by_user([lr.id for lr in learners])
        finished = 0
        for history in events.values():
            for e in history:
                if e.kind == "answer":
                    assert grade(course.items[e.item_id].question(e.question_id, "kk"), e.payload["answer"]).correct \
                        == e.payload["correct"]
            for lesson_id in {e.item_id for e in history if e.kind == "lesson_finished"}:
                lesson = course.items[lesson_id]
                for attempt in derive.attempts(history, lesson_id):
                    first = attempt.first_right
                    assert attempt.finish.payload["score"] == round(
                        sum(first[q] for q in lesson.question_ids) / len(lesson.question_ids), 4)
                    finished += 1
        assert finished > 100
        # the summaries the demo's writes kept are what a rebuild from its events gives
        from app.models import ProgressItem
        from app.progress import summaries

        def kept():
            return sorted((str(r.user_id), r.item_id, r.events, r.best_score, r.attempts, r.score, r.role)
                          for r in db.session.scalars(db.select(ProgressItem)))

        before = kept()
        summaries.rebuild()
        assert len(before) > 500 and kept() == before
        drop_schema()
