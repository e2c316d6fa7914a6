"""Practice exercises shown in class: a trainer opens any exercise of the course and plays it on the
projector. Nothing is recorded for anyone: the demonstration's moves live in the trainer's own
signed session cookie, checked and scored by the same pure core (app/content/exercise.py) as a
learner's, and forgotten when the session ends."""

from __future__ import annotations

import uuid

from flask import abort, redirect, render_template, request, session, url_for

from ..content.exercise import AttemptState, InvalidMove, WrongEntry, check_move, score
from ..course import get_course
from ..errors import render_error
from ..i18n import current_language
from ..learn import pages
from ..learn.views import INVALID_MOVE
from .views import bp

DEMO_KEY = "exercise_demo"  # {"key": level/lesson/exercise, "attempt", "moves", "used", "done"}


@bp.get("/practice")
def practice_list():
    """Every exercise of each level, by lesson, each opened in demonstration mode."""
    lang = current_language()
    levels = [(level, [(lesson, lesson.variant(lang)) for lesson in level.lessons if lesson.variant(lang).exercises])
              for level in get_course().levels]
    return render_template("trainer/practice.html", levels=levels)


def _exercise_or_404(level_id: str, item_id: str, exercise_id: str):
    level = get_course().level(level_id)
    lesson = next((it for it in level.lessons if it.id == item_id), None) if level else None
    exercise = lesson.exercise(exercise_id, current_language()) if lesson else None
    if exercise is None:
        abort(404)
    return level, lesson, exercise


def _demo(key: str) -> dict:
    """This exercise's demonstration in the session (a fresh one for another exercise)."""
    demo = session.get(DEMO_KEY)
    if not isinstance(demo, dict) or demo.get("key") != key:
        demo = {"key": key, "attempt": "", "moves": [], "used": [], "done": None}
    return demo


def _key(level_id: str, item_id: str, exercise_id: str) -> str:
    return f"{level_id}/{item_id}/{exercise_id}"


def _page(level, lesson, exercise, demo: dict, *, new: bool = False, slip: str = "", attempt: str = ""):
    state = AttemptState(demo["attempt"], [tuple(m) for m in demo["moves"]], frozenset(demo["used"]))
    page = pages.exercise_page(exercise, state, demo["done"], new, attempt or uuid.uuid4().hex, slip,
                               pass_mark=level.pass_mark)
    here = url_for("trainer.practice_demo", level_id=level.id, item_id=lesson.id, exercise_id=exercise.id)
    return render_template("learn/exercise.html", level=level, lesson=lesson, variant=lesson.variant(current_language()),
                           page=page, demo=True, move_url=here, again_url=here + "?new=1",
                           back_url=url_for("trainer.practice_list")), 422 if slip else 200


@bp.get("/practice/<level_id>/<item_id>/<exercise_id>")
def practice_demo(level_id: str, item_id: str, exercise_id: str):
    level, lesson, exercise = _exercise_or_404(level_id, item_id, exercise_id)
    return _page(level, lesson, exercise, _demo(_key(level_id, item_id, exercise_id)),
                 new=request.args.get("new") == "1")


@bp.post("/practice/<level_id>/<item_id>/<exercise_id>")
def practice_demo_move(level_id: str, item_id: str, exercise_id: str):
    level, lesson, exercise = _exercise_or_404(level_id, item_id, exercise_id)
    demo = _demo(_key(level_id, item_id, exercise_id))
    state = AttemptState(demo["attempt"], [tuple(m) for m in demo["moves"]], frozenset(demo["used"]))
    attempt, step = request.form.get("attempt", ""), request.form.get("step", -1, type=int)
    screen_id = request.form.get("screen", "")
    try:
        move = check_move(exercise, state, attempt, step, screen_id, request.form.get("move", ""),
                          pages.typed_fields(request.form))
    except InvalidMove:
        return render_error(400, str(INVALID_MOVE))
    except WrongEntry as wrong:
        return _page(level, lesson, exercise, demo, new=True, slip=wrong.field, attempt=attempt)
    if attempt != demo["attempt"]:  # a new attempt: the open one (if any) is left
        if demo["attempt"]:
            demo["used"] = [*demo["used"], demo["attempt"]][-20:]
        demo["attempt"], demo["moves"] = attempt, []
    demo["moves"] = [*demo["moves"], [screen_id, move.id]]
    if step == len(exercise.screens) - 1:
        result = score(exercise, [tuple(m) for m in demo["moves"]])
        demo["done"] = {**result.payload(), "moves": demo["moves"]}
        demo["used"] = [*demo["used"], attempt][-20:]
        demo["attempt"], demo["moves"] = "", []
    session[DEMO_KEY] = demo
    return redirect(url_for("trainer.practice_demo", level_id=level.id, item_id=lesson.id,
                            exercise_id=exercise.id) + "#screen")
