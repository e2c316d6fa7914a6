"""What the lesson and test templates show, built from content and progress (no writes)."""

from __future__ import annotations

from dataclasses import dataclass

from ..content.grading import Graded, InvalidAnswer, display_order, grade
from ..content.model import Box, Item, Prose, Question
from ..progress.derive import LessonProgress, exercise_counts


@dataclass(frozen=True)
class QuestionView:
    question: Question
    number: int
    shown: list  # option indexes in display order
    graded: Graded | None  # the answer to show, graded now
    given: tuple  # the answer as given (original indexes), for checked/selected states



@dataclass(frozen=True)
class BoxView:
    kind: str
    blocks: list


def graded_or_none(question: Question, answer) -> Graded | None:
    """The answer graded, or None when there is none or it no longer fits the question."""
    if not answer:
        return None
    try:
        return grade(question, answer)
    except InvalidAnswer:  # the lesson changed since this answer was given
        return None


def blocks_for(item: Item, lang: str, answers: dict, secret: str) -> list:
    """The page's blocks: Prose, BoxView and QuestionView, with answers to show filled in."""
    counter = iter(range(1, 1000))

    def view_of(q: Question) -> QuestionView:
        answer = answers.get(q.id)
        graded = graded_or_none(q, answer)
        return QuestionView(question=q, number=next(counter), shown=display_order(q, secret), graded=graded,
                            given=tuple(answer or ()) if graded else ())

    out: list[Prose | BoxView | QuestionView] = []
    for block in item.variant(lang).blocks:
        if isinstance(block, Question):
            out.append(view_of(block))
        elif isinstance(block, Box):
            out.append(BoxView(block.kind, [view_of(b) if isinstance(b, Question) else b
                                            for b in block.blocks]))
        elif isinstance(block, Prose) or hasattr(block, "screens"):  # prose, or an exercise's card
            out.append(block)
    return out


def question_views(blocks: list) -> list[QuestionView]:
    """The QuestionViews among `blocks` (boxes included), in page order."""
    return [v for b in blocks for v in (b.blocks if isinstance(b, BoxView) else [b]) if isinstance(v, QuestionView)]


def question_view(item: Item, lang: str, question_id: str, answers: dict, secret: str) -> QuestionView | None:
    """One question's view (for the fragment returned to the page's script)."""
    for block in blocks_for(item, lang, answers, secret):
        inner = block.blocks if isinstance(block, BoxView) else [block]
        for b in inner:
            if isinstance(b, QuestionView) and b.question.id == question_id:
                return b
    return None


TEST_PAGE_SIZE = 4  # questions per test page: short pages on a small screen (issue #14)
WHOLE_TEST = 10_000  # a test saved for offline use is one page: no server to fetch the next one


@dataclass(frozen=True)
class TestPage:
    number: int  # 1-based
    count: int  # pages in the test
    blocks: list  # this page's blocks
    elsewhere: list  # QuestionViews of the other pages, carried in the form as hidden fields
    total: int  # questions in the test


def test_page(blocks: list, page: int, size: int | None = None) -> TestPage:
    """Split a test's blocks into pages of `size` questions. Prose goes with the question after
    it (the introduction with the first page); a page number out of range is brought in range."""
    size = size or TEST_PAGE_SIZE
    views = question_views(blocks)
    count = max(1, -(-len(views) // size))
    page = min(max(page, 1), count)
    mine, pending = [], []
    for block in blocks:
        inner = block.blocks if isinstance(block, BoxView) else [block]
        first = next((v for v in inner if isinstance(v, QuestionView)), None)
        if first is None:
            pending.append(block)
            continue
        if (first.number - 1) // size + 1 == page:
            mine.extend(pending)
            mine.append(block)
        pending = []
    if page == count:
        mine.extend(pending)
    elsewhere = [v for v in views if (v.number - 1) // size + 1 != page]
    return TestPage(number=page, count=count, blocks=mine, elsewhere=elsewhere, total=len(views))


def page_of(number: int, size: int | None = None) -> int:
    """The page that shows question `number` (1-based)."""
    return (number - 1) // (size or TEST_PAGE_SIZE) + 1


@dataclass(frozen=True)
class LessonSummary:
    answered: int
    total: int
    progress: LessonProgress


def summary(item: Item, progress: LessonProgress) -> LessonSummary:
    ids = item.question_ids
    return LessonSummary(answered=sum(q in progress.shown_answers for q in ids), total=len(ids),
                         progress=progress)


@dataclass(frozen=True)
class ExercisePage:
    """What the exercise page shows: the screen to act on (None when finished), the feedback of
    the move just made, or the result of the attempt just finished."""

    exercise: object  # exercise.Exercise
    attempt: str
    step: int
    screen: object | None  # exercise.Screen
    last: tuple | None  # (screen, move) of the move just made
    result: dict | None  # the finished attempt's result (EXERCISE_DONE payload)
    review: list  # [(screen, move chosen)] of the finished attempt
    code: str = ""  # the one-time code on the simulated phone beside this screen
    slip: str = ""  # the field typed wrong (exercise.WrongEntry): the screen is shown again


def exercise_page(exercise, state, done: dict | None, new: bool, fresh_attempt: str, slip: str = "", *,
                  pass_mark: int) -> ExercisePage:
    """`state`: the open attempt (record.exercise_state); `done`: the latest finished attempt's
    payload, shown until the learner starts again (`new`); `slip`: a field typed wrong just now.

    Whether the attempt passed is said by the rule mastery counts it with, at the level's pass
    mark (`derive.exercise_counts`), not by the "passed" stored in the payload."""
    def moved(screen_id, move_id):
        screen = next((s for s in exercise.screens if s.id == screen_id), None)
        return (screen, screen.move(move_id)) if screen else None

    if state.moves:
        step = len(state.moves)
        return ExercisePage(exercise, state.attempt, step, exercise.screens[step] if step < len(exercise.screens)
                            else None, moved(*state.moves[-1]), None, [], exercise.code_at(step, state.attempt), slip)
    if done and not new:
        review = [m for m in (moved(s, mv) for s, mv in done.get("moves", [])) if m and m[1]]
        result = {**done, "passed": exercise_counts(done, pass_mark)}
        return ExercisePage(exercise, "", len(exercise.screens), None, review[-1] if review else None, result, review)
    return ExercisePage(exercise, fresh_attempt, 0, exercise.screens[0] if exercise.screens else None, None, None, [],
                        exercise.code_at(0, fresh_attempt), slip)


def typed_fields(form) -> dict[str, str]:
    """What the learner typed on an exercise screen (`field-<name>` inputs), at most 200 characters each."""
    return {key[6:]: form.get(key, "")[:200] for key in form if key.startswith("field-")}
