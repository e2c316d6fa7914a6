"""Progress summaries: what the pages and reports need of one learner's events for one lesson,
test or survey, computed from those events. Pure functions over plain data.

A summary is a projection (README, "Progress summaries"): `record.py` keeps it next to the events it writes,
the sync import refreshes it for the events it brings, and `flask progress rebuild` recomputes
all of them. Each summary is always recomputed from *all* of its (learner, item) events, never
patched by one event: an event synced late may sort before events already here, and the rules
(attempts, the first test counts) depend on that order.

What depends on the content (a lesson's pass mark) is applied when the summary is read
(`lesson_progress_of`), so a new pass mark needs no rebuild.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .derive import (
    EventView,
    LessonProgress,
    LevelProgress,
    TestCandidate,
    TestResult,
    assemble_level,
    attempts,
    continue_from,
    exercise_counts,
    lesson_status,
    post_taken,
    reaches,
    survey_due_given,
    test_candidates,
)
from .kinds import ACCOUNT_KINDS, EventKind, exercise_item

LESSON, TEST, SURVEY, ACCOUNT, EXERCISE = "lesson", "test", "survey", "account", "exercise"

STUCK_AFTER = 3  # wrong answers to one question, in the open attempt, without a right one


@dataclass
class ItemSummary:
    """One learner's state in one lesson, test or survey (the columns of `progress_item`)."""

    kind: str
    item_id: str
    events: int = 0
    # The latest event's place in the learner's order (docs/sync.md): where to continue.
    last_order: tuple = (0, "", 0)
    last_activity: datetime | None = None  # the recording server's clock: shown, never ordered by
    # lessons
    best_score: float | None = None
    attempts: int = 0
    open_attempt: bool = False
    shown_finished: bool = False
    # tests: the first result, the role recorded with it (None: before counterbalancing) and its
    # Lamport step (the reports compare tests and surveys by it)
    score: float | None = None
    taken_at: datetime | None = None
    role: str | None = None
    counted_lamport: int | None = None
    # the rest, as JSON: lessons {shown, first, stuck}, tests {correct, total, answers, results, taken},
    # surveys {first_own, latest_own, latest_paper, latest, and the
    # place of each in the learner's order}
    detail: dict = field(default_factory=dict)


def kind_of(events: Sequence[EventView]) -> str:
    kinds = {e.kind for e in events}
    if kinds and kinds <= ACCOUNT_KINDS:
        return ACCOUNT
    if EventKind.TEST_TAKEN in kinds:
        return TEST
    if EventKind.SURVEY_ANSWERED in kinds:
        return SURVEY
    if kinds & {EventKind.EXERCISE_MOVE, EventKind.EXERCISE_DONE}:
        return EXERCISE
    return LESSON


def summarise(item_id: str, events: Iterable[EventView]) -> ItemSummary:
    """The summary of one learner's events for one item (any order; sorted here)."""
    mine = sorted((e for e in events if e.item_id == item_id), key=lambda e: e.order)
    summary = ItemSummary(kind=kind_of(mine), item_id=item_id, events=len(mine))
    if not mine:
        return summary
    last = mine[-1]
    summary.last_order = (last.lamport, last.origin, last.seq)
    summary.last_activity = max(e.created_at for e in mine)
    if summary.kind == TEST:
        _summarise_test(summary, mine)
    elif summary.kind == SURVEY:
        _summarise_survey(summary, mine)
    elif summary.kind == LESSON:
        _summarise_lesson(summary, mine)
    elif summary.kind == EXERCISE:
        _summarise_exercise(summary, mine)
    return summary


def exercise_attempt(events: Iterable[EventView]) -> tuple[str, list]:
    """The open attempt at an exercise: (attempt id, [(screen id, move id)]), or ("", []) when
    none is open. Moves of one attempt gather until its `exercise_done`."""
    attempt, moves = "", []  # type: tuple[str, list]
    for e in sorted(events, key=lambda e: e.order):
        if e.kind == EventKind.EXERCISE_MOVE:
            if e.payload.get("attempt") != attempt:
                attempt, moves = str(e.payload.get("attempt", "")), []
            moves.append((e.payload.get("screen"), e.payload.get("move")))
        elif e.kind == EventKind.EXERCISE_DONE:
            attempt, moves = "", []
    return attempt, moves


def _better(result: dict) -> tuple:
    """How finished exercise attempts rank: one without a critical mistake before one with (the
    practice proves a procedure done safely), then the higher score, then fewer critical mistakes.
    So the best attempt counts for mastery if any does (`derive.exercise_counts`): it has no
    critical mistake and its score reaches the pass mark."""
    critical = int(result.get("critical") or 0)
    return (critical == 0, float(result.get("score") or 0), -critical)


def _summarise_exercise(summary: ItemSummary, events: list[EventView]) -> None:
    """Finished attempts (the best and the latest result), the open one, and each screen's first
    move ever with its mark (the trainer's "hardest steps")."""
    first: dict[str, list] = {}
    best = latest = None
    for e in events:
        screen = str(e.payload.get("screen", ""))
        if e.kind == EventKind.EXERCISE_MOVE and screen not in first:
            first[screen] = [e.payload.get("move"), e.payload.get("mark")]
        elif e.kind == EventKind.EXERCISE_DONE:
            summary.attempts += 1
            latest = {k: v for k, v in e.payload.items() if k != "moves"}
            if best is None or _better(latest) > _better(best):
                best = latest
    attempt, moves = exercise_attempt(events)
    summary.open_attempt = bool(moves)
    summary.best_score = best.get("score") if best else None
    summary.detail = {"first": first, "best": best, "latest": latest,
                      "open": {"attempt": attempt, "moves": [list(m) for m in moves]}}


def _summarise_lesson(summary: ItemSummary, events: list[EventView]) -> None:
    shown: dict = {}
    finished_answers: dict = {}
    first: dict[str, list] = {}  # question id -> [first answer ever, was it right]
    stuck: dict[str, int] = {}
    for e in events:
        if e.kind == EventKind.ANSWER and e.question_id and e.question_id not in first:
            first[e.question_id] = [e.payload.get("answer", []), bool(e.payload.get("correct"))]
    for attempt in attempts(events, summary.item_id):
        if attempt.finish is None:  # the open attempt (always the last)
            summary.open_attempt = True
            shown = attempt.last_answers
            wrong: Counter = Counter()
            right = set()
            for e in attempt.answers:
                if e.payload.get("correct"):
                    right.add(e.question_id)
                else:
                    wrong[e.question_id] += 1
            stuck = {q: n for q, n in wrong.items() if n >= STUCK_AFTER and q not in right}
            continue
        score = attempt.finish.payload.get("score")
        if score is None:  # an old finish without its score: the first-try share of its answers
            firsts = attempt.first_right
            score = sum(firsts.values()) / len(firsts) if firsts else 0.0
        summary.attempts += 1
        summary.best_score = max(summary.best_score or 0.0, float(score))
        finished_answers = attempt.last_answers
    if not summary.open_attempt and summary.attempts:
        shown, summary.shown_finished = finished_answers, True
    summary.detail = {"shown": shown, "first": first, "stuck": stuck}


def _summarise_test(summary: ItemSummary, events: list[EventView]) -> None:
    """The counted (first) result, and the first result of each recorded role (pre/post, or none
    before counterbalancing): what `derive.assemble_level` needs (`candidates_of`)."""
    found = test_candidates(events)
    if not found:
        return
    first = found[0].result
    summary.score, summary.taken_at = first.score, first.taken_at
    summary.role, summary.counted_lamport = found[0].recorded_role, found[0].order[0]
    summary.detail = {"correct": first.correct, "total": first.total, "answers": first.answers,
                      "results": first.results, "taken": sum(e.kind == EventKind.TEST_TAKEN for e in events),
                      "firsts": [{"role": c.recorded_role, "order": list(c.order[:3]), "score": c.result.score,
                                  "correct": c.result.correct, "total": c.result.total, "answers": c.result.answers,
                                  "results": c.result.results, "taken_at": c.result.taken_at.isoformat()}
                                 for c in found]}


def _summarise_survey(summary: ItemSummary, events: list[EventView]) -> None:
    """The learner's own first and latest answers, and a trainer's latest paper entry, apart:
    which one a figure uses is the report's rule, not the summary's."""
    detail: dict = {"first_own": None, "latest_own": None, "latest_paper": None, "latest": None,
                    "first_own_order": None, "latest_own_order": None, "latest_paper_order": None}
    for e in events:
        if e.kind != EventKind.SURVEY_ANSWERED:
            continue
        answers, order = e.payload.get("answers", {}), list(e.order[:3])
        detail["latest"] = answers
        if e.payload.get("entered_by"):
            detail["latest_paper"], detail["latest_paper_order"] = answers, order
        else:
            if detail["first_own"] is None:
                detail["first_own"], detail["first_own_order"] = answers, order
            detail["latest_own"], detail["latest_own_order"] = answers, order
    summary.detail = detail


# Reading summaries back as the progress the pages show ---------------------------------------

def exercise_counts_of(summary: ItemSummary | None, pass_mark: int) -> bool:
    """`derive.exercise_counts` for some finished attempt, from the exercise's summary: its best
    attempt (`_better`) has no critical mistake and reaches the pass mark."""
    best = summary.detail.get("best") if summary is not None else None
    return best is not None and exercise_counts(best, pass_mark)


def lesson_progress_of(lesson_id: str, summary: ItemSummary | None, pass_mark: int,
                       exercises: dict[str, ItemSummary | None] | None = None) -> LessonProgress:
    """The same `LessonProgress` as `derive.lesson_progress` computes from the events.
    `exercises`: the lesson's exercise ids (`Item.exercise_ids`), each with its summary or None."""
    progress = LessonProgress(lesson_id)
    exercises = exercises or {}
    progress.practice_left = tuple(x for x, s in exercises.items() if not exercise_counts_of(s, pass_mark))
    progress.last_activity = max((s.last_activity for s in exercises.values() if s is not None and s.events
                                  and s.last_activity is not None), default=None)
    if summary is not None and summary.events:
        progress.best_score = summary.best_score
        progress.attempts = summary.attempts
        progress.open_attempt = summary.open_attempt
        progress.shown_finished = summary.shown_finished
        progress.shown_answers = dict(summary.detail.get("shown", {}))
        if summary.last_activity is not None:
            progress.last_activity = max(filter(None, (progress.last_activity, summary.last_activity)))
    progress.questions_passed = reaches(progress.best_score, pass_mark)
    progress.status = lesson_status(progress)
    return progress


def test_result_of(summary: ItemSummary | None) -> TestResult | None:
    """The first result of a test form (whatever its role)."""
    if summary is None or summary.score is None or summary.taken_at is None:
        return None
    d = summary.detail
    return TestResult(test_id=summary.item_id, score=summary.score, correct=int(d.get("correct", 0)),
                      total=int(d.get("total", 0)), taken_at=summary.taken_at,
                      answers=d.get("answers", {}), results=d.get("results", {}))


def candidates_of(by_item: dict[str, ItemSummary]) -> list[TestCandidate]:
    """The learner's test candidates (`derive.test_candidates`) from their test summaries."""
    found = []
    for s in by_item.values():
        if s.kind != TEST:
            continue
        for c in s.detail.get("firsts", []):
            taken_at = datetime.fromisoformat(c["taken_at"])
            if s.taken_at is not None and s.taken_at.tzinfo is None:
                taken_at = taken_at.replace(tzinfo=None)  # as the database gives it (SQLite keeps no zone)
            found.append(TestCandidate(s.item_id, c["role"], tuple(c["order"]), TestResult(
                test_id=s.item_id, score=float(c["score"]), correct=int(c["correct"]), total=int(c["total"]),
                taken_at=taken_at, answers=c["answers"], results=c["results"])))
    return sorted(found, key=lambda c: c.order)


def level_progress_of(level, by_item: dict[str, ItemSummary], learner_id=None) -> LevelProgress:
    """`derive.level_progress` from the learner's summaries (item id -> summary)."""
    return assemble_level(
        level,
        {lesson.id: lesson_progress_of(lesson.id, by_item.get(lesson.id), level.pass_mark,
                                       {x: by_item.get(exercise_item(lesson.id, x)) for x in lesson.exercise_ids})
         for lesson in level.lessons},
        candidates_of(by_item), learner_id)


def course_progress_of(course, by_item: dict[str, ItemSummary], learner_id=None) -> list[tuple]:
    return [(level, level_progress_of(level, by_item, learner_id)) for level in course.levels]


def continue_point_of(course, by_item: dict[str, ItemSummary]) -> tuple[str, str] | None:
    """`derive.continue_point` from the summaries: the lesson whose latest event is the learner's
    latest lesson event (each summary keeps its latest event's place in the learner's order)."""
    lessons = [s for s in by_item.values() if s.kind == LESSON and s.events]
    if not lessons:
        return None
    latest = max(lessons, key=lambda s: s.last_order)
    return continue_from(course, latest.item_id, lambda level: level_progress_of(level, by_item))


def survey_state(course, by_item: dict[str, ItemSummary]) -> tuple[set, bool, bool]:
    """(surveys answered, a lesson question answered, a post-test taken): what decides which
    survey is open (`derive.survey_open_given`)."""
    answered = {s.item_id for s in by_item.values() if s.kind == SURVEY and s.events}
    begun = any(s.kind == LESSON and (s.detail.get("first") or s.attempts) for s in by_item.values())
    return answered, begun, post_taken(course, candidates_of(by_item))


def survey_due_of(course, by_item: dict[str, ItemSummary]):
    return survey_due_given(course, *survey_state(course, by_item))
