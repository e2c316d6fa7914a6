"""What a trainer sees of a class: the progress grid, who needs help, the hardest questions.
Pure functions over events (see `derive`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..languages import DEFAULT_LANGUAGE
from .derive import FINISHED, EventView, LevelProgress, level_progress, open_attempt
from .kinds import EventKind

STUCK_AFTER = 3  # wrong answers to one question, in the open attempt, without a right one


@dataclass(frozen=True)
class HelpNote:
    kind: str  # "stuck" or "failing"
    lesson_id: str
    question_id: str | None = None


def needs_help(level, progress: LevelProgress, events: list[EventView]) -> list[HelpNote]:
    """Stuck: one question answered wrongly STUCK_AFTER times in the open attempt, never right.
    Failing: a lesson finished below the pass mark."""
    notes = []
    for lesson in level.lessons:
        p = progress.lessons[lesson.id]
        if p.status == FINISHED:
            notes.append(HelpNote("failing", lesson.id))
        if not p.open_attempt:
            continue
        current = open_attempt(events, lesson.id)
        wrong: Counter = Counter()
        right: set = set()
        for e in current.answers if current else []:
            if e.payload.get("correct"):
                right.add(e.question_id)
            else:
                wrong[e.question_id] += 1
        for qid, count in wrong.items():
            if count >= STUCK_AFTER and qid not in right:
                notes.append(HelpNote("stuck", lesson.id, qid))
    return notes


@dataclass(frozen=True)
class HardQuestion:
    lesson_id: str
    question_id: str
    answered: int  # learners who answered it
    first_right: float  # share of first answers that were right
    common_wrong: int | None  # the wrong option picked most often at the first answer
    common_wrong_count: int


def hardest_questions(level, events_by_learner: dict, limit: int = 5) -> list[HardQuestion]:
    """Per question: the share of learners whose *first* answer was right (lowest first)."""
    firsts: dict[tuple[str, str], list[dict]] = {}
    lesson_ids = {lesson.id for lesson in level.lessons}
    for events in events_by_learner.values():
        seen = set()
        for e in sorted(events, key=lambda e: e.order):
            if e.kind != EventKind.ANSWER or e.item_id not in lesson_ids or not e.question_id:
                continue
            key = (e.item_id, e.question_id)
            if key not in seen:
                seen.add(key)
                firsts.setdefault(key, []).append(e.payload)
    found = []
    for lesson in level.lessons:
        questions = {q.id: q for q in lesson.variant(DEFAULT_LANGUAGE).questions}  # ids and keys: any language
        for qid in lesson.question_ids:
            answers = firsts.get((lesson.id, qid), [])
            if not answers:
                continue
            right = sum(bool(a.get("correct")) for a in answers)
            wrong_picks: Counter = Counter()
            question = questions[qid]
            if question.type in ("single", "truefalse", "multiple"):
                for a in answers:
                    if not a.get("correct"):
                        wrong_picks.update(i for i in a.get("answer", []) if i < len(question.options)
                                           and not question.options[i].correct)
            common = wrong_picks.most_common(1)
            found.append(HardQuestion(lesson.id, qid, len(answers), right / len(answers),
                                      common[0][0] if common else None, common[0][1] if common else 0))
    found.sort(key=lambda h: (h.first_right, -h.answered))
    return found[:limit]


@dataclass(frozen=True)
class ClassRow:
    learner: object
    progress: LevelProgress
    help: list


def class_rows(level, learners, events_by_learner: dict) -> list[ClassRow]:
    rows = []
    for learner in learners:
        events = events_by_learner.get(learner.id, [])
        progress = level_progress(level, events, learner.id)
        rows.append(ClassRow(learner, progress, needs_help(level, progress, events)))
    return rows
