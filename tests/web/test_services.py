"""Service functions called without a request: the writes the views used to hold."""

from datetime import date

from app.district import trainers as trainer_service
from app.extensions import db
from app.models import ProblemStatus, Role, VillageProblem
from app.trainer import problems


def test_problem_log_service_checks_villages_and_keeps_long_text_bounded(app, make):
    mine, other = make.village("Абай"), make.village("Бөген")
    trainer = make.staff(villages=[mine])
    form = {"village": str(other.id), "category": "skills", "found_on": "2026-11-30", "description": "Тінтуір қиын"}
    saved, errors = problems.report_problem(trainer, form)
    assert saved is None and set(errors) == {"village"}
    saved, errors = problems.report_problem(trainer, {**form, "village": str(mine.id),
                                                      "solution": "x" * (problems.TEXT_MAX + 10)})
    assert errors == {} and saved.found_on == date(2026, 11, 30) and len(saved.solution) == problems.TEXT_MAX
    assert problems.problems_in([mine]) == [saved] and problems.problems_in([other]) == []
    assert problems.problem_for(make.staff(villages=[other]), str(saved.id)) is None  # foreign: a 404
    assert not problems.set_status(saved, "closed-ish", "")
    assert problems.set_status(saved, ProblemStatus.SOLVED, "  ")
    db.session.expire_all()
    stored = db.session.get(VillageProblem, saved.id)
    assert stored.status == ProblemStatus.SOLVED and len(stored.solution) == problems.TEXT_MAX  # blank keeps it


def test_trainer_service_creates_and_assigns_only_visible_villages(app, make):
    a, b = make.village("Абай"), make.village("Бөген")
    coordinator = make.staff(Role.COORDINATOR)
    trainer, password = trainer_service.create_trainer("new.trainer", "  Жаңа   Тренер ")
    assert trainer.name == "Жаңа Тренер" and trainer.check_secret(password)
    assert trainer_service.create_trainer("new.trainer", "Again") == (None, None)
    assert trainer_service.set_villages(coordinator, str(trainer.id), {str(a.id), "not-an-id"}).villages == [a]
    assert trainer_service.set_villages(coordinator, str(coordinator.id), {str(b.id)}) is None  # not a trainer
    assert [t.username for t in trainer_service.all_trainers()] == ["new.trainer"]
