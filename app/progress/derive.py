"""Derive progress from a learner's events. Pure functions over plain data.

Rules (the same everywhere: pages, trainer grid, reports):
- An *attempt* at a lesson is the run of answers up to a `lesson_finished` event; the next
  answer starts a new attempt. The attempt's score is the share of the lesson's questions
  answered right at the first try within that attempt (retries are for learning).
- A lesson is finished when every question was answered in one attempt, and *mastered* when
  the best finished attempt reaches the level's pass mark and, if the lesson has practice
  exercises (app/content/exercise.py), each of them has a finished attempt (`exercise_done`)
  that reaches the same pass mark with no critical mistake (`exercise_counts`). The practice
  proves the procedure is done safely, so a dangerous move is never made up for by the score.
  A lesson whose questions pass but whose practice is left is *finished*, with the exercises
  left named (`LessonProgress.practice_left`), so that the learner's page says what is left.
  Lessons without exercises are as before. Any activity in the lesson's exercises counts as
  activity in the lesson (in progress).
- Mastery is read from the content as it is now, like the pass mark: when an exercise is added
  to a lesson, learners who mastered it before are *finished* again until they do the practice.
  Kept progress is not lost (their score stays, the lesson still counts as done for the
  post-test and the next step), but "mastered" means one thing for every learner at every
  moment: a figure that counted some learners on the questions alone and others on the
  questions and the practice could not be compared between villages or over time, and the
  events hold no record of which content a learner saw.
- For a test only the first `test_taken` event counts.
- Forms are counterbalanced (`form_order`): each level has two parallel test forms (the
  content's `pretest` A and `posttest` B); half of the learners take A before and B after, the
  other half the reverse. The order is fixed by the learner's first test of the level (its
  recorded role), else assigned from the learner's id, so that every server agrees without
  talking. Old events without a recorded role keep their old meaning: A was the pre-test.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .kinds import EventKind, exercise_item

NOT_STARTED, IN_PROGRESS, FINISHED, MASTERED = "not_started", "in_progress", "finished", "mastered"


@dataclass(frozen=True)
class EventView:
    """The fields of an event that progress needs."""

    kind: str
    item_id: str
    created_at: datetime  # for people to read (the recording server's clock), never an order
    question_id: str | None = None
    payload: dict = field(default_factory=dict)
    # The order of a learner's events across servers (docs/sync.md): the Lamport counter, ties by
    # origin server and its number. Events made without them (hand-made in tests) keep clock order.
    lamport: int = 0
    origin: str = ""
    seq: int = 0

    @property
    def order(self) -> tuple:
        return (self.lamport, self.origin, self.seq, self.created_at)


@dataclass
class LessonProgress:
    lesson_id: str
    status: str = NOT_STARTED
    best_score: float | None = None  # 0..1, best finished attempt
    attempts: int = 0  # finished attempts
    # Answers to show on the page: the open attempt's, else the last finished attempt's.
    shown_answers: dict = field(default_factory=dict)  # question id -> answer (list of ints)
    shown_finished: bool = False
    open_attempt: bool = False
    last_activity: datetime | None = None  # of the lesson and its exercises
    questions_passed: bool = False  # the best finished attempt reaches the pass mark
    practice_left: tuple[str, ...] = ()  # the lesson's exercises without an attempt that counts

    @property
    def practice_only(self) -> bool:
        """Only the practice is left to master the lesson (its questions reach the pass mark)."""
        return self.questions_passed and bool(self.practice_left)

    def first_unanswered(self, question_ids: Iterable[str]) -> str | None:
        if self.shown_finished:
            return None
        return next((q for q in question_ids if q not in self.shown_answers), None)


@dataclass(frozen=True)
class TestResult:
    test_id: str
    score: float  # 0..1
    correct: int
    total: int
    taken_at: datetime
    answers: dict  # question id -> answer
    results: dict  # question id -> bool


@dataclass
class Attempt:
    """One attempt at a lesson: its answers in order, and the `lesson_finished` event that
    closed it (None while the attempt is open)."""

    answers: list[EventView] = field(default_factory=list)
    finish: EventView | None = None

    @property
    def first_right(self) -> dict[str, bool]:
        """Question id -> was the first answer in this attempt right (the score counts these)."""
        first: dict[str, bool] = {}
        for e in self.answers:
            first.setdefault(e.question_id or "", bool(e.payload.get("correct")))
        return first

    @property
    def last_answers(self) -> dict[str, list]:
        """Question id -> the latest answer in this attempt (what the page shows)."""
        return {e.question_id or "": e.payload.get("answer", []) for e in self.answers}


def attempts(events: Iterable[EventView], lesson_id: str) -> list[Attempt]:
    """The attempts at a lesson, oldest first: THE attempt rule, used everywhere.

    Events are sorted by time; answers gather into the current attempt, and a `lesson_finished`
    event closes it. The last attempt is open (`finish` is None) and is listed only when it
    holds an answer.
    """
    found: list[Attempt] = []
    current = Attempt()
    for e in sorted((e for e in events if e.item_id == lesson_id), key=lambda e: e.order):
        if e.kind == EventKind.ANSWER and e.question_id:
            current.answers.append(e)
        elif e.kind == EventKind.LESSON_FINISHED:
            current.finish = e
            found.append(current)
            current = Attempt()
    if current.answers:
        found.append(current)
    return found


def reaches(score: float | None, pass_mark: int) -> bool:
    """Does a score (0..1) reach the pass mark (a percentage)? The mark itself passes."""
    return score is not None and score * 100 >= pass_mark - 1e-9


def exercise_counts(payload: dict, pass_mark: int) -> bool:
    """Does a finished exercise attempt (an `exercise_done` payload) count for mastery: its
    score reaches the pass mark and it holds no critical mistake."""
    return int(payload.get("critical") or 0) == 0 and reaches(float(payload.get("score") or 0), pass_mark)


def lesson_status(progress: LessonProgress) -> str:
    """The lesson's state from its progress (questions_passed, practice_left, attempts and
    last_activity set): the one place of the rule, for events and summaries alike."""
    if progress.questions_passed and not progress.practice_left:
        return MASTERED
    if progress.attempts:
        return FINISHED
    if progress.last_activity is not None:
        return IN_PROGRESS
    return NOT_STARTED


def lesson_progress(lesson_id: str, events: Iterable[EventView], question_ids: Iterable[str],
                    pass_mark: int, exercise_ids: Iterable[str] = ()) -> LessonProgress:
    """Progress in one lesson from the learner's events (any order; sorted here). `exercise_ids`:
    the lesson's practice exercises (`Item.exercise_ids`); their events are among `events`."""
    events = list(events)
    progress = LessonProgress(lesson_id)
    question_ids = list(question_ids)
    exercises = {exercise_item(lesson_id, x): x for x in exercise_ids}
    progress.last_activity = max((e.created_at for e in events if e.item_id == lesson_id or e.item_id in exercises),
                                 default=None)
    done = {e.item_id for e in events if e.kind == EventKind.EXERCISE_DONE and e.item_id in exercises
            and exercise_counts(e.payload, pass_mark)}
    progress.practice_left = tuple(x for item, x in exercises.items() if item not in done)
    finished_answers: dict[str, list] = {}
    for attempt in attempts(events, lesson_id):
        if attempt.finish is None:  # the open attempt (always the last)
            progress.open_attempt = True
            progress.shown_answers = attempt.last_answers
            continue
        score = attempt.finish.payload.get("score")
        if score is None:  # recompute if an old event lacks it
            score = _score(attempt.first_right, question_ids)
        progress.attempts += 1
        progress.best_score = max(progress.best_score or 0.0, float(score))
        finished_answers = attempt.last_answers
    if not progress.open_attempt and progress.attempts:
        progress.shown_answers, progress.shown_finished = finished_answers, True
    progress.questions_passed = reaches(progress.best_score, pass_mark)
    progress.status = lesson_status(progress)
    return progress


def open_attempt(events: Iterable[EventView], lesson_id: str) -> Attempt | None:
    """The lesson's open attempt (answers since the last finish), or None."""
    found = attempts(events, lesson_id)
    return found[-1] if found and found[-1].finish is None else None


def attempt_complete(events: Iterable[EventView], lesson_id: str, question_ids: Iterable[str]) -> dict | None:
    """If the open attempt has answered every question, the finish event's payload; else None."""
    current = open_attempt(events, lesson_id)
    first = current.first_right if current else {}
    question_ids = list(question_ids)
    if not question_ids or any(q not in first for q in question_ids):
        return None
    correct = sum(first[q] for q in question_ids)
    return {"score": round(correct / len(question_ids), 4), "correct": correct, "total": len(question_ids)}


def _score(first: dict[str, bool], question_ids: list[str]) -> float:
    return sum(first.get(q, False) for q in question_ids) / len(question_ids) if question_ids else 0.0


def counted_test_result(test_id: str, events: Iterable[EventView]) -> TestResult | None:
    """The counted (first) result of a test, or None when not taken."""
    taken = sorted((e for e in events if e.kind == EventKind.TEST_TAKEN and e.item_id == test_id),
                   key=lambda e: e.order)
    return _result(taken[0]) if taken else None


def _result(event: EventView) -> TestResult:
    p = event.payload
    return TestResult(test_id=event.item_id, score=float(p.get("score", 0)), correct=int(p.get("correct", 0)),
                      total=int(p.get("total", 0)), taken_at=event.created_at,
                      answers=p.get("answers", {}), results=p.get("results", {}))


PRE, POST = "pre", "post"
FORM_ORDERS = ("AB", "BA")  # form A (the content's `pretest`) before and B after, or the reverse


def assigned_order(level_id: str, learner_id) -> str:
    """"AB" or "BA" for a learner who has taken no test of the level yet: from a hash of the
    level and the learner's id (a UUID made once, where the account was made), so that every
    server gives the same answer. Over many learners, half get each order."""
    digest = hashlib.sha256(f"{level_id}:{learner_id}".encode()).digest()
    return FORM_ORDERS[digest[0] & 1]


@dataclass(frozen=True)
class TestCandidate:
    """The first event of a test form with one recorded role (or none: before counterbalancing).
    Every rule about a learner's tests needs only these: the first test of each role counts,
    and the first test of all fixes the form order."""

    item_id: str
    recorded_role: str | None  # the payload's "pre"/"post", or None
    order: tuple
    result: TestResult


def test_candidates(events: Iterable[EventView]) -> list[TestCandidate]:
    """The first `test_taken` event of each (form, recorded role), in the learner's order."""
    found: dict[tuple, TestCandidate] = {}
    for e in sorted((e for e in events if e.kind == EventKind.TEST_TAKEN), key=lambda e: e.order):
        role = e.payload.get("role") if e.payload.get("role") in (PRE, POST) else None
        found.setdefault((e.item_id, role), TestCandidate(e.item_id, role, e.order, _result(e)))
    return sorted(found.values(), key=lambda c: c.order)


def candidate_role(level, candidate: TestCandidate) -> str:
    """The role a test played: the one recorded when it was taken, else (events before
    counterbalancing) the content's role: form A was always the pre-test."""
    if candidate.recorded_role in (PRE, POST):
        return candidate.recorded_role
    return PRE if level.pretest is not None and candidate.item_id == level.pretest.id else POST


def _level_candidates(level, candidates: Iterable[TestCandidate]) -> list[TestCandidate]:
    ids = {t.id for t in (level.pretest, level.posttest) if t is not None}
    return sorted((c for c in candidates if c.item_id in ids), key=lambda c: c.order)


def form_order(level, events: Iterable[EventView], learner_id=None) -> str:
    """"AB" or "BA": fixed by the learner's first test of the level, else by `assigned_order`
    (no learner id: "AB", the order before counterbalancing)."""
    return form_order_of(level, test_candidates(events), learner_id)


def form_order_of(level, candidates: Iterable[TestCandidate], learner_id=None) -> str:
    if level.pretest is None or level.posttest is None:
        return "AB"
    taken = _level_candidates(level, candidates)
    if taken:
        first = taken[0]
        is_a = first.item_id == level.pretest.id
        return "AB" if is_a == (candidate_role(level, first) == PRE) else "BA"
    return assigned_order(level.id, learner_id) if learner_id is not None else "AB"


def forms(level, order: str) -> tuple:
    """(pre-test form, post-test form) of a level for an order."""
    return (level.pretest, level.posttest) if order == "AB" else (level.posttest, level.pretest)


@dataclass(frozen=True)
class LevelProgress:
    level_id: str
    lessons: dict  # lesson id -> LessonProgress
    mastered: int
    total: int
    pretest: TestResult | None
    posttest: TestResult | None
    order: str = "AB"  # the learner's form order (see form_order)
    pre_form: Any = None  # the test Item this learner takes before the lessons
    post_form: Any = None  # … and after them

    @property
    def all_finished(self) -> bool:
        return all(p.status in (FINISHED, MASTERED) for p in self.lessons.values())

    @property
    def lessons_started(self) -> bool:
        """Some lesson question was answered (opening a lesson to look does not count)."""
        return any(p.attempts or p.open_attempt for p in self.lessons.values())

    @property
    def started(self) -> bool:
        return self.lessons_started or self.pretest is not None

    @property
    def pretest_closed(self) -> bool:
        """A pre-test taken after the lessons would not measure the start: it closes then."""
        return self.pretest is None and self.lessons_started

    def role_of(self, test) -> str | None:
        """PRE or POST: the role this test form plays for this learner."""
        if test is not None and self.pre_form is not None and test.id == self.pre_form.id:
            return PRE
        if test is not None and self.post_form is not None and test.id == self.post_form.id:
            return POST
        return None

    def result_of(self, test) -> TestResult | None:
        role = self.role_of(test)
        return self.pretest if role == PRE else self.posttest if role == POST else None


TAKEN, OPEN, LOCKED, CLOSED = "taken", "open", "locked", "closed"


def test_state(level, test, events: list[EventView], learner_id=None) -> str:
    """taken; open; locked (post-test before every lesson is done); closed (pre-test after
    the lessons began). `test` plays the role the learner's form order gives it."""
    return test_state_of(test, level_progress(level, events, learner_id))


def test_state_of(test, progress: LevelProgress) -> str:
    """`test_state` from a level's progress (however it was computed: events or summaries)."""
    role = progress.role_of(test)
    if progress.result_of(test) is not None:
        return TAKEN
    if role == POST and not progress.all_finished:
        return LOCKED
    if role == PRE and progress.pretest_closed:
        return CLOSED
    return OPEN


def progress_items(level) -> list[str]:
    """The item ids a level's progress is made of: its lessons, their exercises, its tests
    (what to read of a learner's events or summaries for `level_progress`)."""
    return [*level.item_ids, *(exercise_item(lesson.id, x) for lesson in level.lessons for x in lesson.exercise_ids)]


def level_progress(level, events: list[EventView], learner_id=None) -> LevelProgress:
    """Progress in a level (`app.content.model.Level`). `learner_id` decides the form order of
    a learner who has taken no test of the level yet (see `form_order`)."""
    events = list(events)
    lessons = {
        lesson.id: lesson_progress(lesson.id, events, lesson.question_ids, level.pass_mark, lesson.exercise_ids)
        for lesson in level.lessons
    }
    return assemble_level(level, lessons, test_candidates(events), learner_id)


def assemble_level(level, lessons: dict, candidates: Iterable[TestCandidate], learner_id=None) -> LevelProgress:
    """A level's progress from its lessons' progress and the learner's test candidates."""
    candidates = list(candidates)
    order = form_order_of(level, candidates, learner_id)
    pre_form, post_form = forms(level, order)
    found: dict[str, TestResult] = {}
    for c in _level_candidates(level, candidates):  # the first of each role counts
        found.setdefault(candidate_role(level, c), c.result)
    return LevelProgress(
        level_id=level.id,
        lessons=lessons,
        mastered=sum(p.status == MASTERED for p in lessons.values()),
        total=len(lessons),
        pretest=found.get(PRE),
        posttest=found.get(POST),
        order=order, pre_form=pre_form, post_form=post_form,
    )


def continue_point(course, events: list[EventView]) -> tuple[str, str] | None:
    """(level id, lesson id) where the learner should go on, or None for a new learner.

    The lesson of the latest activity, unless it is done: then the next lesson of that level
    that is not mastered.
    """
    lesson_events = [e for e in events if e.kind in (EventKind.LESSON_OPENED, EventKind.ANSWER, EventKind.LESSON_FINISHED)]
    if not lesson_events:
        return None
    latest = max(lesson_events, key=lambda e: e.order)
    return continue_from(course, latest.item_id, lambda level: level_progress(level, events))


def continue_from(course, latest_item_id: str, progress_of) -> tuple[str, str] | None:
    """`continue_point` given the lesson of the latest activity and a way to get a level's
    progress (`progress_of(level)`)."""
    for level in course.levels:
        ids = [lesson.id for lesson in level.lessons]
        if latest_item_id not in ids:
            continue
        progress = progress_of(level)
        here = progress.lessons[latest_item_id]
        if here.open_attempt or here.status == IN_PROGRESS:
            return level.id, latest_item_id
        start = ids.index(latest_item_id)
        for lesson_id in ids[start + 1:] + ids[:start + 1]:
            if progress.lessons[lesson_id].status != MASTERED:
                return level.id, lesson_id
        return level.id, latest_item_id
    return None


def survey_open(survey_id: str, events: list[EventView], course) -> bool:
    """May the learner answer this survey now?

    The intake survey once, and only before the lessons begin (an answer to a lesson question,
    or any test after the lessons): it is the "before" of the figures. The exit survey after a
    post-test (the learner may correct it). A trainer may still type in a paper form filled in
    at the start (app/trainer/survey_views.py); it is kept beside the learner's own answers.
    """
    answered = {e.item_id for e in events if e.kind == EventKind.SURVEY_ANSWERED}
    begun = any(e.kind in (EventKind.ANSWER, EventKind.LESSON_FINISHED) for e in events)
    return survey_open_given(survey_id, answered, begun, post_taken(course, test_candidates(events)))


def survey_open_given(survey_id: str, answered: set, lessons_begun: bool, posttest_taken: bool) -> bool:
    """`survey_open` from the surveys answered, whether any lesson question was answered and
    whether a post-test was taken."""
    if survey_id == "intake":
        return "intake" not in answered and not lessons_begun and not posttest_taken
    if survey_id == "exit":
        return posttest_taken
    return False


def post_taken(course, candidates: Iterable[TestCandidate]) -> bool:
    """Has the learner taken a test in the role of a post-test (any level)?"""
    candidates = list(candidates)
    return any(candidate_role(level, c) == POST for level in course.levels
               for c in _level_candidates(level, candidates))


SURVEY_ORDER = ("intake", "exit")  # the order in which a learner meets the surveys


def survey_due(course, events: list[EventView]):
    """The survey to offer on the learner's home page, or None: the first open survey the
    learner has not answered yet (the exit survey stays open for corrections, but is not
    offered again once answered)."""
    answered = {e.item_id for e in events if e.kind == EventKind.SURVEY_ANSWERED}
    begun = any(e.kind in (EventKind.ANSWER, EventKind.LESSON_FINISHED) for e in events)
    return survey_due_given(course, answered, begun, post_taken(course, test_candidates(events)))


def survey_due_given(course, answered: set, lessons_begun: bool, posttest_taken: bool):
    return next((course.surveys[s] for s in SURVEY_ORDER if s in course.surveys and s not in answered
                 and survey_open_given(s, answered, lessons_begun, posttest_taken)), None)
