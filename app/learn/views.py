"""Learner pages. Views parse the request, call content/progress functions, render."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.roles import guard_blueprint
from ..content.exercise import InvalidMove, WrongEntry
from ..content.grading import IncompleteAnswer, InvalidAnswer, parse_answer
from ..content.model import Item, Level
from ..content.render import is_local
from ..course import get_course
from ..errors import INCOMPLETE, NOT_FITTING, render_error
from ..i18n import LANGUAGES, current_language, set_language
from ..models import Role
from ..progress import derive, record, summaries, summary
from ..progress.kinds import EventKind, exercise_item
from ..surveys import parse_survey
from . import pages
from .lesson_cache import lesson_article, lesson_page
from .next_step import next_step

bp = Blueprint("learn", __name__)
guard_blueprint(bp, Role.LEARNER)

# A phone's outbox still sends what was answered offline under an account joined since: those
# answers are stored under it, and the kept account follows them (app/people.py).
OPEN_TO_JOINED = {"learn.outbox_status", "learn.outbox_receive"}


@bp.before_request
def _joined_account():
    """An account joined to another one (app/people.py) is not used any more: say which one is."""
    if request.endpoint in OPEN_TO_JOINED:
        return None
    kept = record.merged_into(current_user)
    if kept is None:
        return None
    if not kept.login_code:  # the kept account is held without a code on this server (sync)
        return render_error(403, str(_l("This account was joined to your other account. Ask your trainer for its "
                                        "login code.")))
    return render_error(403, str(_l("This account was joined to your other account. Sign in with the login "
                                    "code %(code)s and your PIN of that account.", code=kept.login_code)))


PICTURE_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif")


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _level_or_404(level_id: str) -> Level:
    level = get_course().level(level_id)
    if level is None:
        abort(404)
    return level


def _item_or_404(level: Level, item_id: str) -> Item:
    for item in (*level.lessons, level.pretest, level.posttest):
        if item is not None and item.id == item_id:
            return item
    abort(404)


@bp.get("/")
def home():
    course = get_course()
    mine = summaries.of_person(current_user)  # progress summaries: no scan of the events
    levels = summary.course_progress_of(course, mine, current_user.id)
    point = summary.continue_point_of(course, mine)
    anchor = ""
    if point:  # straight to the first question not yet answered
        level = course.level(point[0])
        lesson = level.lessons[level.lesson_index(point[1])]
        progress = next(p for lv, p in levels if lv.id == level.id)
        first = progress.lessons[lesson.id].first_unanswered(lesson.question_ids)
        anchor = f"#q-{first}" if first else ""
    survey_due = summary.survey_due_of(course, mine)
    return render_template("learn/home.html", levels=levels, point=point, anchor=anchor, survey_due=survey_due,
                           step=next_step(levels, point, survey_due))


@bp.get("/welcome")
def welcome():
    """After registering: the login code to write down (a GET, so a reload is harmless)."""
    return render_template("auth/registered.html", code=current_user.login_code)


@bp.get("/progress")
def progress():
    course = get_course()
    levels = summary.course_progress_of(course, summaries.of_person(current_user), current_user.id)
    return render_template("learn/progress.html", levels=levels)


@bp.get("/<level_id>/")
def level(level_id: str):
    lv = _level_or_404(level_id)
    mine = summaries.of_person(current_user, derive.progress_items(lv))
    return render_template("learn/level.html", level=lv, progress=summary.level_progress_of(lv, mine, current_user.id))


@bp.get("/go/<item_id>")
def go(item_id: str):
    """Where `lesson:ID` links in lessons point."""
    item = get_course().items.get(item_id)
    if item is None:
        abort(404)
    return redirect(url_for("learn.item", level_id=item.level, item_id=item.id))


@bp.get("/<level_id>/<item_id>")
def item(level_id: str, item_id: str):
    lv = _level_or_404(level_id)
    it = _item_or_404(lv, item_id)
    lang = current_language()
    if it.kind == "test":
        return _test_page(lv, it, lang)
    if _saving_for_offline():  # a phone saving the level: nothing is recorded
        events = record.events_of(current_user, [it.id])
    else:
        events = record.open_lesson_events(current_user, it, lang)
    practice = [exercise_item(it.id, x) for x in it.exercise_ids]  # mastery counts the practice too
    prog = derive.lesson_progress(it.id, events + (record.events_of(current_user, practice) if practice else []),
                                  it.question_ids, lv.pass_mark, it.exercise_ids)
    index = lv.lesson_index(it.id)
    # A finished lesson shows its answers for review; "repeat" starts again with blank questions,
    # so that a new attempt is answered, not copied.
    repeat = prog.shown_finished and request.args.get("repeat") == "1"
    mode = "review" if prog.shown_finished and not repeat else "lesson"
    return lesson_page(
        lv, it, lang, mode, repeat, pages.summary(it, prog),
        lesson_article(lv, it, lang, mode, {} if repeat else prog.shown_answers, _secret()),
        variant=it.variant(lang), number=index + 1,
        previous=lv.lessons[index - 1] if index > 0 else None,
        next=lv.lessons[index + 1] if index + 1 < len(lv.lessons) else None,
    )


def _exercise_or_404(level_id: str, item_id: str, exercise_id: str):
    lv = _level_or_404(level_id)
    it = _item_or_404(lv, item_id)
    ex = it.exercise(exercise_id, current_language()) if it.kind == "lesson" else None
    if ex is None:
        abort(404)
    return lv, it, ex


@bp.get("/<level_id>/<item_id>/practice/<exercise_id>")
def exercise(level_id: str, item_id: str, exercise_id: str):
    """A practice exercise on a safe copy of a service: one screen at a time, each move a form."""
    lv, it, ex = _exercise_or_404(level_id, item_id, exercise_id)
    return _exercise_page(lv, it, ex, new=request.args.get("new") == "1")


def _exercise_page(lv: Level, it: Item, ex, *, new: bool = False, slip: str = "", attempt: str = ""):
    state, events = record.exercise_state(current_user, it, ex)
    done = next((e.payload for e in reversed(events) if e.kind == EventKind.EXERCISE_DONE), None)
    page = pages.exercise_page(ex, state, done, new, attempt or uuid.uuid4().hex, slip, pass_mark=lv.pass_mark)
    here = url_for("learn.exercise", level_id=lv.id, item_id=it.id, exercise_id=ex.id)
    return render_template("learn/exercise.html", level=lv, lesson=it, variant=it.variant(current_language()),
                           page=page, move_url=here, again_url=here + "?new=1",
                           back_url=url_for("learn.item", level_id=lv.id, item_id=it.id)), 422 if slip else 200


@bp.post("/<level_id>/<item_id>/practice/<exercise_id>")
def exercise_move(level_id: str, item_id: str, exercise_id: str):
    lv, it, ex = _exercise_or_404(level_id, item_id, exercise_id)
    attempt = request.form.get("attempt", "")
    try:
        record.exercise_move(current_user, it, ex, attempt, request.form.get("step", -1, type=int),
                             request.form.get("screen", ""), request.form.get("move", ""), current_language(),
                             typed=pages.typed_fields(request.form))
    except InvalidMove:
        return render_error(400, str(INVALID_MOVE))
    except WrongEntry as slip:  # a typing slip: the same screen again, with what to type
        return _exercise_page(lv, it, ex, new=True, slip=slip.field, attempt=attempt)
    return redirect(url_for("learn.exercise", level_id=lv.id, item_id=it.id, exercise_id=ex.id) + "#screen")


INVALID_MOVE = _l("This move is not on the screen you are on (an old or changed page). Nothing was saved. "
                  "Open the exercise again.")


@bp.get("/<level_id>/<item_id>/reminder")
def reminder(level_id: str, item_id: str):
    """The lesson's take-home sheet: one printable A4 page in the learner's language."""
    lv = _level_or_404(level_id)
    it = _item_or_404(lv, item_id)
    variant = it.variant(current_language())
    if it.kind != "lesson" or variant.reminder is None:
        abort(404)
    return render_template("learn/reminder.html", level=lv, lesson=it, variant=variant)


@bp.post("/<level_id>/<item_id>/answer/<question_id>")
def answer(level_id: str, item_id: str, question_id: str):
    lv = _level_or_404(level_id)
    it = _item_or_404(lv, item_id)
    lang = current_language()
    question = it.question(question_id, lang) if it.kind == "lesson" else None
    if question is None:
        return render_error(400, str(_l("This question is not part of the lesson. Nothing was saved.")))
    back = url_for("learn.item", level_id=lv.id, item_id=it.id) + f"#q-{question.id}"
    wants_fragment = request.headers.get("X-Requested-With") == "fetch"
    try:
        given = parse_answer(question, request.form.to_dict(flat=False), _secret())
        _, finished = record.answer_question(current_user, it, question, given, lang)
    except InvalidAnswer:
        return render_error(400, str(NOT_FITTING))
    except IncompleteAnswer as exc:
        message = str(INCOMPLETE.get(exc.reason, INCOMPLETE["choose"]))
        if wants_fragment:
            return message, 422
        flash(message, "error")
        return redirect(back)
    if not wants_fragment:
        return redirect(back)
    events = record.events_of(current_user, [it.id])
    prog = derive.lesson_progress(it.id, events, it.question_ids, lv.pass_mark)
    view = pages.question_view(it, lang, question.id, prog.shown_answers, _secret())
    response = current_app.make_response(render_template(
        "learn/_question_fragment.html", qv=view, level=lv, lesson=it))
    if finished:  # the page's banner changes: the script loads the page again
        response.headers["X-Lesson-Finished"] = url_for("learn.item", level_id=lv.id, item_id=it.id)
    return response


def _saving_for_offline() -> bool:
    """The level page's script is saving this page for offline use (issue #13): a copy, not a
    visit, so nothing is recorded, and a test comes whole on one page."""
    return request.headers.get("X-Offline-Save") == "1"


def _test_page(lv: Level, test: Item, lang: str, errors=(), given=None, status: int = 200, page: int = 1):
    progress = summary.level_progress_of(lv, summaries.of_person(current_user, derive.progress_items(lv)), current_user.id)
    state = derive.test_state_of(test, progress)
    is_pre = progress.role_of(test) == derive.PRE  # counterbalanced: form A or B may come first
    if state == derive.TAKEN:
        result = progress.result_of(test)
        answers = {k: v for k, v in result.answers.items() if v}
        return render_template("learn/test_result.html", level=lv, test=test, result=result,
                               blocks=pages.blocks_for(test, lang, answers, _secret()),
                               is_pre=is_pre)
    if state in (derive.LOCKED, derive.CLOSED):
        return render_template("learn/test_locked.html", level=lv, test=test, state=state)
    size = pages.WHOLE_TEST if _saving_for_offline() else None
    paged = pages.test_page(pages.blocks_for(test, lang, given or {}, _secret()), page, size)
    return render_template("learn/test.html", level=lv, test=test, variant=test.variant(lang), paged=paged,
                           errors=set(errors), is_pre=is_pre, given=given or {}), status


@bp.post("/<level_id>/<item_id>/test")
def submit_test(level_id: str, item_id: str):
    lv = _level_or_404(level_id)
    test = _item_or_404(lv, item_id)
    if test.kind != "test":
        abort(404)
    lang = current_language()
    progress = summary.level_progress_of(lv, summaries.of_person(current_user, derive.progress_items(lv)), current_user.id)
    state = derive.test_state_of(test, progress)
    if state == derive.TAKEN:
        return redirect(url_for("learn.item", level_id=lv.id, item_id=test.id))  # one attempt counts
    if state != derive.OPEN:
        abort(403)
    answers, missing = {}, []
    form = request.form.to_dict(flat=False)
    switch = request.form.get("switch_lang")
    for question in test.variant(lang).questions:
        scoped = {k[len(question.id) + 1:]: v for k, v in form.items() if k.startswith(question.id + ":")}
        try:
            answers[question.id] = parse_answer(question, scoped, _secret())
        except IncompleteAnswer:
            missing.append(question.id)
        except InvalidAnswer:
            return render_error(400, str(NOT_FITTING))
    page = request.form.get("page", type=int) or 1
    if switch in LANGUAGES:
        # The language buttons of a test page belong to its form: answers are kept, not sent.
        set_language(switch)
        return _test_page(lv, test, switch, given=answers, page=page)
    go = request.form.get("go")
    if go in ("next", "back"):
        # Short pages, one form: the answers of every page travel with it; nothing is stored yet.
        return _test_page(lv, test, lang, given=answers, page=page + (1 if go == "next" else -1))
    if missing:
        # Keep what was answered; point at what is left, on the page of the first one left.
        numbers = [_question_number(test, lang, q) for q in missing]
        flash(_l("Answer every question, then press the button again. Questions left: %(n)s",
                 n=", ".join(str(n) for n in numbers)), "error")
        return _test_page(lv, test, lang, errors=missing, given=answers, status=400, page=pages.page_of(numbers[0]))
    role = progress.role_of(test)
    record.take_test(current_user, test, answers, lang, role=role)
    return redirect(url_for("learn.item", level_id=lv.id, item_id=test.id))


def _question_number(test: Item, lang: str, question_id: str) -> int:
    return 1 + [q.id for q in test.variant(lang).questions].index(question_id)


@bp.get("/files/<item_id>/<name>")
def asset(item_id: str, name: str):
    """A picture from a lesson folder (SVGs are inlined; this serves the rest)."""
    it = get_course().items.get(item_id)
    # Pictures only: never a lesson's Markdown (it holds the answer key), whatever the case.
    if it is None or not is_local(name) or not name.lower().endswith(PICTURE_TYPES) or name != name.strip(". "):
        abort(404)
    return send_from_directory(it.folder, name, max_age=7 * 24 * 3600)


@bp.route("/survey/<survey_id>", methods=["GET", "POST"])
def survey(survey_id: str):
    form_survey = get_course().surveys.get(survey_id)
    if form_survey is None:
        abort(404)
    lang = current_language()
    if not derive.survey_open_given(form_survey.id, *summary.survey_state(get_course(), summaries.of_person(current_user))):
        flash(_l("This survey is not open for you now."), "info")
        return redirect(url_for("learn.home"))
    if request.method == "POST":
        try:
            answers = parse_survey(form_survey, request.form.to_dict(flat=False), lang)
        except InvalidAnswer:
            return render_error(400, str(NOT_FITTING))
        record.answer_survey(current_user, form_survey, answers, lang)
        flash(_l("Thank you! Your answers are saved."), "info")
        return redirect(url_for("learn.home"))
    return render_template("learn/survey.html", survey=form_survey, variant=form_survey.variant(lang),
                           answers=record.survey_answers(current_user, form_survey.id, paper=False) or {})
