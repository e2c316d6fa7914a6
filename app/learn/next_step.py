"""The one next step a learner's home page offers as its main button. Pure: no Flask here."""

from __future__ import annotations

from dataclasses import dataclass

from ..progress.derive import FINISHED, MASTERED


@dataclass(frozen=True)
class NextStep:
    kind: str  # "survey", "continue", "pretest", "lesson", "posttest"
    level: object | None = None
    item: object | None = None  # a lesson or test Item, or the survey
    number: int = 0  # the lesson's number in its level ("Start lesson 1")


def next_step(levels, point, survey_due) -> NextStep | None:
    """What to do now, given the course progress (pairs of level and its progress), the
    continue point and the survey that is due.

    A survey that is due comes first when there is nothing to continue (the intake survey is
    the "before" of the figures; the exit one follows a post-test). Then the lesson in hand;
    then, in the first level not done, its pre-test, its first lesson not finished, or its
    post-test.
    """
    if survey_due is not None and (point is None or survey_due.id == "exit"):
        return NextStep("survey", item=survey_due)
    by_id = {level.id: (level, progress) for level, progress in levels}
    if point is not None and point[0] in by_id and not _done(*by_id[point[0]]):
        level, _progress = by_id[point[0]]
        index = level.lesson_index(point[1])
        return NextStep("continue", level, level.lessons[index], index + 1)
    for level, progress in levels:
        if _done(level, progress):
            continue
        if progress.pre_form is not None and progress.pretest is None and not progress.lessons_started:
            return NextStep("pretest", level, progress.pre_form)
        for index, lesson in enumerate(level.lessons):
            if progress.lessons[lesson.id].status not in (FINISHED, MASTERED):
                return NextStep("lesson", level, lesson, index + 1)
        if progress.post_form is not None:
            return NextStep("posttest", level, progress.post_form)
    return None


def _done(level, progress) -> bool:
    """A level is done once its post-test is taken."""
    return level.posttest is not None and progress.posttest is not None
