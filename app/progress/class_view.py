"""What a trainer sees of a class: the progress grid, who needs help, the hardest questions.
Pure functions over the learners' progress summaries (`summary.ItemSummary`, item id -> summary
per learner), which the one writer keeps from the events."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..languages import DEFAULT_LANGUAGE
from .derive import FINISHED, LevelProgress, exercise_counts
from .kinds import exercise_item
from .summary import STUCK_AFTER, ItemSummary, level_progress_of

__all__ = ["STUCK_AFTER", "HelpNote", "HardQuestion", "HardStep", "ClassRow", "needs_help", "hardest_questions",
           "hardest_steps", "exercises_of", "exercise_results", "class_rows"]


@dataclass(frozen=True)
class HelpNote:
    kind: str  # "stuck" or "failing"
    lesson_id: str
    question_id: str | None = None


def needs_help(level, progress: LevelProgress, by_item: dict[str, ItemSummary]) -> list[HelpNote]:
    """Stuck: one question answered wrongly STUCK_AFTER times in the open attempt, never right.
    Failing: a lesson finished below the pass mark."""
    notes = []
    for lesson in level.lessons:
        p = progress.lessons[lesson.id]
        if p.status == FINISHED and not p.questions_passed:  # not when only the practice is left
            notes.append(HelpNote("failing", lesson.id))
        found = by_item.get(lesson.id)
        if not p.open_attempt or found is None:
            continue
        stuck = found.detail.get("stuck", {})
        notes += [HelpNote("stuck", lesson.id, qid) for qid in lesson.question_ids if qid in stuck]
    return notes


@dataclass(frozen=True)
class HardQuestion:
    lesson_id: str
    question_id: str
    answered: int  # learners who answered it
    first_right: float  # share of first answers that were right
    common_wrong: int | None  # the wrong option picked most often at the first answer
    common_wrong_count: int


def hardest_questions(level, summaries_by_learner: dict, limit: int = 5) -> list[HardQuestion]:
    """Per question: the share of learners whose *first* answer was right (lowest first)."""
    found = []
    for lesson in level.lessons:
        firsts = [s[lesson.id].detail.get("first", {}) for s in summaries_by_learner.values() if lesson.id in s]
        questions = {q.id: q for q in lesson.variant(DEFAULT_LANGUAGE).questions}  # ids and keys: any language
        for qid in lesson.question_ids:
            answers = [f[qid] for f in firsts if qid in f]  # [answer, right] per learner who answered
            if not answers:
                continue
            right = sum(bool(ok) for _, ok in answers)
            wrong_picks: Counter = Counter()
            question = questions[qid]
            qtype = question.qtype  # a type may count the wrong options picked (choices do)
            for given, ok in answers:
                if not ok and qtype is not None:
                    wrong_picks.update(qtype.wrong_picks(question, given))
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
    practice: list = field(default_factory=list)  # exercise_results: (lesson, exercise, best or None)


def class_rows(level, learners, summaries_by_learner: dict) -> list[ClassRow]:
    rows = []
    for learner in learners:
        by_item = summaries_by_learner.get(learner.id, {})
        progress = level_progress_of(level, by_item, learner.id)
        rows.append(ClassRow(learner, progress, needs_help(level, progress, by_item), exercise_results(level, by_item)))
    return rows


# Practice exercises (app/content/exercise.py): results in the grid, and the hardest steps -------

def exercises_of(level) -> list[tuple]:
    """(lesson, exercise, item id) of every exercise of the level's lessons, in lesson order."""
    return [(lesson, ex, exercise_item(lesson.id, ex.id))
            for lesson in level.lessons for ex in lesson.variant(DEFAULT_LANGUAGE).exercises]


def exercise_results(level, by_item: dict[str, ItemSummary]) -> list[tuple]:
    """(lesson, exercise, best result or None) for one learner: what the grid shows. The best
    result's `passed` is whether it counts for mastering the lesson at the level's pass mark
    (`derive.exercise_counts`), whatever mark the attempt was stored with."""
    found = []
    for lesson, ex, item in exercises_of(level):
        best = by_item[item].detail.get("best") if item in by_item else None
        found.append((lesson, ex, {**best, "passed": exercise_counts(best, level.pass_mark)} if best else None))
    return found


@dataclass(frozen=True)
class HardStep:
    lesson_id: str
    exercise_id: str
    screen_id: str
    tried: int  # learners who made a move on this screen
    first_right: float  # share of first moves that were right
    critical: int  # learners whose first move here was a critical mistake
    common_wrong: str | None  # the wrong move made most often at the first try
    common_wrong_count: int


def hardest_steps(level, summaries_by_learner: dict, limit: int = 5) -> list[HardStep]:
    """Per exercise screen: the share of learners whose first move was right (lowest first)."""
    found = []
    for lesson, ex, item in exercises_of(level):
        firsts = [s[item].detail.get("first", {}) for s in summaries_by_learner.values() if item in s]
        for screen in ex.screens:
            moves = [f[screen.id] for f in firsts if screen.id in f]  # [move id, mark] per learner
            if not moves:
                continue
            wrong = Counter(m for m, mark in moves if mark != "right")
            common = wrong.most_common(1)
            found.append(HardStep(lesson.id, ex.id, screen.id, len(moves),
                                  sum(mark == "right" for _, mark in moves) / len(moves),
                                  sum(mark == "critical" for _, mark in moves),
                                  common[0][0] if common else None, common[0][1] if common else 0))
    found.sort(key=lambda h: (h.first_right, -h.critical, -h.tried))
    return found[:limit]
