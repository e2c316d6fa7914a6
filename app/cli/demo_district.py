"""A realistic demo district for `flask demo`: classes at both levels, learners with attendance,
answers, tests and surveys, and a few problems, so that every page shows meaningful figures.

Everything here is invented for the demo and seeded, so every run gives the same data.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from ..auth import accounts
from ..content.model import KNOWLEDGE_PREFIX
from ..extensions import db
from ..models import (
    Attendance,
    ProblemCategory,
    ProblemStatus,
    TrainingClass,
    User,
    Village,
    VillageProblem,
)
from ..models.people import hash_secret
from ..progress import derive, record

BULK_PIN = "1357"
FIRST_NAMES = ["Айгерім", "Асқар", "Бақыт", "Гүлнар", "Дәулет", "Ербол", "Жанар", "Зәуре", "Қайрат", "Ләззат",
               "Мұрат", "Нұргүл", "Олжас", "Райхан", "Сәкен", "Талғат", "Ұлжан", "Шолпан", "Ерлан", "Мейрамгүл"]
INITIALS = "АБДЕЖКМНОСТ"
# (village index in demo.VILLAGES, levels of classes, learners per class, share with no internet at home)
PLAN = [(2, ("elementary", "intermediate"), 14, 0.2), (1, ("elementary",), 16, 0.1),
        (5, ("elementary",), 12, 0.35), (4, ("elementary", "intermediate"), 13, 0.3), (9, ("elementary",), 10, 0.5)]
PROBLEMS = [
    (5, ProblemCategory.CONNECTIVITY, "Мобильді интернет сабақ кезінде жиі үзіледі. / Мобильный интернет часто пропадает во время занятий.",
     "Ауыл орталығына тұрақты байланыс (талшықты-оптикалық желі) тарту. / Подключить центр села к стабильной связи.",
     ProblemStatus.OPEN),
    (9, ProblemCategory.EQUIPMENT, "Ауыл орталығында тек 2 компьютер бар. / В центре села только 2 компьютера.",
     "Сабақты аудан әкімдігінің ноутбуктерімен өткізу. / Привозить ноутбуки акимата района.", ProblemStatus.IN_PROGRESS),
    (4, ProblemCategory.DOCUMENTS, "Көп тұрғынның телефон нөмірі мобильді азаматтар базасында тіркелмеген. / "
     "У многих жителей номер не зарегистрирован в базе мобильных граждан.",
     "Сабақтың бірінші күні нөмірді тіркеуге көмектесу. / Помогать регистрировать номер в первый день занятий.",
     ProblemStatus.OPEN),
    (2, ProblemCategory.SKILLS, "Егде тұрғындарға тінтуірмен жұмыс істеу қиын. / Пожилым жителям трудно работать мышью.",
     "Алғашқы сағатты тінтуір мен пернетақтаға арнау. / Первый час посвящать мыши и клавиатуре.", ProblemStatus.SOLVED),
    (1, ProblemCategory.LANGUAGE, "Кейбір тұрғындар тек қазақша оқиды. / Некоторые жители читают только по-казахски.",
     "Сабақтарды қазақ тілінде өткізу. / Вести занятия на казахском.", ProblemStatus.SOLVED),
]


def fill_district(course, villages: list[Village], trainer: User) -> int:
    """Add demo classes and learners; returns the number of learners made."""
    rng = random.Random(2026)
    pin_hash = hash_secret(BULK_PIN)  # one hash for all: the demo must load in seconds
    made = 0
    start = date(2026, 10, 5)
    for n, (index, levels, size, no_internet) in enumerate(PLAN):
        village = villages[index]
        for k, level_id in enumerate(levels):
            level = course.level(level_id)
            if level is None:
                continue
            day1 = start + timedelta(days=7 * n + 3 * k)
            cls = TrainingClass(village=village, level=level_id, day1=day1, day2=day1 + timedelta(days=1),
                                venue="Ауыл мәдениет үйі / Дом культуры", trainer_id=trainer.id)
            db.session.add(cls)
            for _ in range(size):
                learner = accounts.new_learner(f"{rng.choice(FIRST_NAMES)} {rng.choice(INITIALS)}.", village,
                                               secret_hash=pin_hash, language=rng.choice(["kk", "kk", "ru"]))
                cls.learners.append(learner)
                db.session.flush()
                _learner_story(rng, course, level, cls, learner, no_internet)
                made += 1
    for index, category, description, solution, status in PROBLEMS:
        db.session.add(VillageProblem(village=villages[index], category=category, found_on=start + timedelta(days=index),
                                      description=description, solution=solution, status=status,
                                      reported_by=trainer.id))
    db.session.commit()
    return made


def _learner_story(rng, course, level, cls, learner, no_internet) -> None:
    """Attendance, surveys, tests and lessons for one demo learner, with realistic gaps.

    Progress goes through `progress.record` like a learner's clicks (graded and scored there),
    backdated to the class days and committed once by the caller.
    """
    clock = [datetime.combine(cls.day1, time(10, 0), tzinfo=UTC) + timedelta(minutes=rng.randint(0, 20))]
    lang = learner.language

    def at(minutes=1):
        clock[0] += timedelta(minutes=minutes, seconds=rng.randint(0, 50))
        return clock[0]

    came_day2 = rng.random() < 0.85
    db.session.add(Attendance(class_id=cls.id, user_id=learner.id, day=1))
    if came_day2:
        db.session.add(Attendance(class_id=cls.id, user_id=learner.id, day=2))
    skill = rng.uniform(0.25, 0.65)  # the share of test questions this person gets right before the course
    intake = course.surveys.get("intake")
    if intake and rng.random() < 0.9:
        record.answer_survey(learner, intake, _survey(rng, intake, skill, no_internet, after=False), lang,
                             at=at(), commit=False)
    # Counterbalanced forms, as on the learner's pages (derive.form_order).
    pre_form, post_form = derive.forms(level, derive.assigned_order(level.id, learner.id))
    if pre_form:
        _test(rng, pre_form, skill, learner, at, derive.PRE)
    lessons_done = len(level.lessons) if came_day2 else rng.randint(2, len(level.lessons) - 1)
    for lesson in level.lessons[:lessons_done]:
        record.open_lesson(learner, lesson, lang, at=at(3), commit=False)
        for q in lesson.variant(lang).questions:
            right = rng.random() < min(0.97, skill + 0.45)
            if not right:
                _, finished = record.answer_question(learner, lesson, q, _wrong(q), lang, at=at(2), commit=False)
                if finished:  # a wrong last answer finishes the lesson, as it would on the page
                    break
            record.answer_question(learner, lesson, q, _right(q), lang, at=at(2), commit=False)
        at()  # a minute on the lesson's summary before going on
        if lesson is level.lessons[len(level.lessons) // 2 - 1]:
            clock[0] = datetime.combine(cls.day2, time(10, 0), tzinfo=UTC)
    if came_day2 and post_form:
        _test(rng, post_form, min(0.98, skill + rng.uniform(0.15, 0.4)), learner, at, derive.POST)
        exit_survey = course.surveys.get("exit")
        if exit_survey and rng.random() < 0.9:
            record.answer_survey(learner, exit_survey, _survey(rng, exit_survey, skill, no_internet, after=True),
                                 lang, at=at(), commit=False)


def _right(question) -> tuple[int, ...]:
    if question.type in ("order", "match"):
        return tuple(range(len(question.options)))  # every step and pair in its own place
    return question.correct_indexes


def _wrong(question) -> tuple[int, ...]:
    if question.type in ("single", "truefalse", "multiple"):
        wrong = [i for i, o in enumerate(question.options) if not o.correct]
        return tuple(wrong[:1] or [0])
    n = len(question.options)
    return (*range(1, n), 0)  # order/match: everything shifted by one


def _test(rng, test, skill, learner, at, role: str) -> None:
    questions = test.variant(learner.language).questions
    knows = {q.id: rng.random() < skill for q in questions}
    answers = {q.id: (_right(q) if knows[q.id] else _wrong(q)) for q in questions}
    record.take_test(learner, test, answers, learner.language, role=role, at=at(15), commit=False)


def _survey(rng, survey, skill, no_internet, after: bool) -> dict:
    answers = {}
    for q in survey.variant("kk").questions:
        if q.id == "internet-home":
            roll = rng.random()
            answers[q.id] = [0 if roll < no_internet else (1 if roll < 0.85 else 2)]
        elif q.id.startswith(KNOWLEDGE_PREFIX):  # the right option, else a wrong one or "not sure" (last)
            knows = rng.random() < (skill + (0.45 if after else 0.0)) * 0.8
            wrong = [i for i in range(len(q.options)) if i not in q.correct_indexes]
            answers[q.id] = list(q.correct_indexes) if knows else [rng.choice(wrong)]
        elif q.type == "single":
            answers[q.id] = [min(len(q.options) - 1, int(abs(rng.gauss(0.6, 0.8))))]
        elif q.type == "multiple":
            answers[q.id] = sorted(rng.sample(range(len(q.options) - 1), k=rng.randint(1, 2)))
    return answers
