"""Learners at home on phones (issue #13): the web app manifest, the service worker, what the
level page's script saves for offline use, and the outbox of answers given offline.

The service worker and static/offline.js do the work in the browser; this module only answers
them. The keys of pre- and post-tests never leave the server: a test answered offline travels
as its form fields and is graded here (app/progress/outbox.py). A lesson's practice exercise
travels in the lesson's key (its screens and feedback, cut from the practice page rendered here;
issue #15), and an attempt played offline comes back as its moves, replayed through the online
check (app/progress/outbox.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from babel import Locale
from flask import Blueprint, abort, current_app, jsonify, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from ..content.exercise import Result
from ..content.grading import display_order
from ..content.model import Item, Level
from ..content.services import SERVICES
from ..errors import INCOMPLETE
from ..i18n import current_language
from ..progress import outbox
from .pages import ExercisePage
from .views import _item_or_404, _level_or_404
from .views import bp as learn_bp

# Public: the browser fetches these without a session (installing, updating the worker).
bp = Blueprint("pwa", __name__)

IMG_SRC = re.compile(r'<img[^>]+src="(/[^"]+)"')


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest, in the language of the person who installs (kk or ru)."""
    lang = current_language()
    icons = [{"src": url_for("static", filename=f"icons/icon-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any"} for size in (192, 512)]
    icons.append({"src": url_for("static", filename="icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"})
    body = {
        "name": "Auyl DigitAll",
        "short_name": "Auyl",
        "description": _("Digital skills lessons for the villages of Aral district, in Kazakh and Russian."),
        "lang": lang, "dir": "ltr",
        "start_url": url_for("learn.home"), "scope": "/", "id": "/",
        "display": "standalone", "background_color": "#ffffff", "theme_color": "#1f3d7a",
        "icons": icons,
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, from the site's root so that its scope is the whole site."""
    response = send_from_directory(current_app.static_folder or "static", "sw.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"  # the browser checks for a new one on each visit
    return response


def plural_forms(message: Callable[[int], str]) -> dict[str, str]:
    """A counted message (an `ngettext` with `count="{n}"`) in every CLDR plural category of the
    language: the page's script picks one with Intl.PluralRules (Russian has three forms)."""
    locale = Locale.parse(current_language())
    forms: dict[str, str] = {}
    for n in (1, 2, 5, 21, 22, 25, 0):
        forms.setdefault(locale.plural_form(n), message(n))
    return forms


@learn_bp.context_processor
def offline_globals():
    """What base.html needs for the outbox line of a learner's page."""
    if not current_user.is_authenticated:
        return {}
    return {"offline_learner": str(current_user.id), "offline_text": _texts_json(current_language())}


_TEXTS: dict[str, dict] = {}  # per language: the same on every page, so made once per process
_TEXTS_JSON: dict[str, Markup] = {}


def _texts_json(lang: str) -> Markup:
    """The texts as base.html's `tojson` wrote them on every page: made once per language too."""
    if lang not in _TEXTS_JSON:
        env = current_app.jinja_env  # the same call as the `tojson` filter's
        _TEXTS_JSON[lang] = htmlsafe_json_dumps(_texts(lang), dumps=env.policies["json.dumps_function"],
                                                **env.policies["json.dumps_kwargs"])
    return _TEXTS_JSON[lang]


def _texts(lang: str) -> dict:
    if lang in _TEXTS:
        return _TEXTS[lang]
    _TEXTS[lang] = texts = {
        "waiting": plural_forms(lambda n: ngettext(
            "%(count)s answer waiting to be sent", "%(count)s answers waiting to be sent", n, count="{n}")),
        "sending": _("Sending your answers…"),
        "sent": _("All your answers are sent."),
        "offline": _("No network now. Your answers stay on this phone and are sent when the network returns."),
        "signin": _("Sign in to send them: they are sent under the account that gave them."),
        "other": plural_forms(lambda n: ngettext(
            "%(count)s answer of another learner is waiting on this phone: it is sent when that learner signs in.",
            "%(count)s answers of another learner are waiting on this phone: they are sent when that learner "
            "signs in.", n, count="{n}")),
        "test_queued": _("Your test is saved on this phone. It is graded when it reaches the server; you see "
                         "the result then."),
        "test_sent": _("Your test has reached the server."),
        "see_result": _("See the result"),
        "no_network_here": _("This is not possible without the network."),
        "full": _("There is no room on this phone to keep this answer. Free some space, or answer with the network."),
    }
    return texts


@learn_bp.get("/outbox")
def outbox_status():
    """Who is signed in here now, and a fresh form token: the outbox sends only that learner's answers."""
    return jsonify(learner=str(current_user.id), csrf=generate_csrf())


@learn_bp.post("/outbox")
def outbox_receive():
    """One answer from the phone's outbox. 200 with a receipt (stored, duplicate or refused: the
    phone drops it), 409 when it belongs to another learner (the phone keeps it)."""
    data = request.get_json(silent=True)
    if isinstance(data, dict) and data.get("learner") != str(current_user.id):
        return jsonify(status="other-learner"), 409
    try:
        entry = outbox.parse_entry(data, current_language())
    except outbox.NotAnEntry:
        return jsonify(status=outbox.REFUSED, message=str(outbox.GONE)), 400
    receipt = outbox.receive(current_user, entry, current_app.config["SECRET_KEY"])
    result_url = (url_for("learn.item", level_id=entry.level, item_id=entry.item)
                  if entry.kind == "test" and receipt.status != outbox.REFUSED else None)
    # A practice attempt that does not replay (forged, or the exercise changed): 400, nothing stored.
    code = 400 if entry.kind == "exercise" and receipt.status == outbox.REFUSED else 200
    return jsonify(id=str(entry.id), status=receipt.status, message=receipt.message,
                   finished=receipt.finished, result=result_url), code


def _images(item: Item, lang: str) -> list[str]:
    found: list[str] = []
    for block in item.variant(lang).blocks:
        for html in [getattr(block, "html", "")] + [getattr(b, "html", "") for b in getattr(block, "blocks", [])]:
            found += [src for src in IMG_SRC.findall(str(html)) if src not in found]
    return found


def _source_bytes(item: Item, lang: str) -> int:
    source = Path(item.folder) / f"{lang}.md"
    return source.stat().st_size if source.exists() else 0


# How many bytes a saved page takes per byte of its Markdown, measured on the real course
# (December 2026: lessons 2.0–2.5, a whole test 1.7, a lesson's feedback 0.6), and the pages
# with no lesson text (home, level, "not saved"). An estimate, said as "about".
LESSON_PER_SOURCE, TEST_PER_SOURCE, KEY_PER_SOURCE, SMALL_PAGE = 2.3, 1.7, 0.6, 8_500
# A practice exercise in the key, per screen (its screen, feedback and review as the page shows
# them): 8.1–8.6 KB as saved, measured on the four exercises of the course (December 2026).
EXERCISE_PER_SCREEN = 8_500
SAVED_STATIC = ("site.css", "site.js", "offline.js")


@learn_bp.get("/offline/<level_id>/pack")
def pack(level_id: str):
    """What "Save this level for offline use" downloads, in the learner's language, and about
    how many bytes that is (told before the download)."""
    level: Level = _level_or_404(level_id)
    lang = current_language()
    pages = [url_for("learn.home"), url_for("learn.level", level_id=level.id), url_for("learn.offline_missing")]
    static = Path(current_app.static_folder or "static")
    size = 3 * SMALL_PAGE + sum((static / name).stat().st_size for name in SAVED_STATIC)
    keys, images = [], []
    for item in (level.pretest, *level.lessons, level.posttest):
        if item is None:
            continue
        pages.append(url_for("learn.item", level_id=level.id, item_id=item.id))
        source = _source_bytes(item, lang)
        size += int(source * (LESSON_PER_SOURCE + KEY_PER_SOURCE if item.kind == "lesson" else TEST_PER_SOURCE))
        if item.kind == "lesson":
            keys.append(url_for("learn.offline_key", level_id=level.id, item_id=item.id))
            for exercise in item.variant(lang).exercises:  # its practice plays offline from the key
                pages.append(url_for("learn.exercise", level_id=level.id, item_id=item.id, exercise_id=exercise.id))
                size += SMALL_PAGE + EXERCISE_PER_SCREEN * len(exercise.screens)
            for src in _images(item, lang):
                images.append(src)
                name = src.rsplit("/", 1)[-1]
                path = Path(item.folder) / name
                size += path.stat().st_size if path.exists() else 0
    # The style and scripts are saved too: offline.js takes their URLs from the page it runs on.
    return jsonify(level=level.id, lang=lang, pages=pages, keys=keys, files=images, bytes=size)


@learn_bp.get("/offline/<level_id>/<item_id>/key")
def offline_key(level_id: str, item_id: str):
    """The feedback of a lesson's practice questions, for answering offline. Lessons only: the
    keys of the pre- and post-tests never reach the browser."""
    level = _level_or_404(level_id)
    lesson = _item_or_404(level, item_id)
    if lesson.kind != "lesson":
        abort(404)
    lang = current_language()
    secret = current_app.config["SECRET_KEY"]
    questions = {}
    for q in lesson.variant(lang).questions:
        questions[q.id] = {
            "type": q.type, "shown": display_order(q, secret), "correct": list(q.correct_indexes),
            "feedback": [str(o.feedback) for o in q.options], "explain": str(q.explain or ""),
        }
    text = {
        "right": "✓ " + _("Right!"), "wrong": "✗ " + _("Not quite.") + " " + _("Read why, then try again."),
        "choice_right": "✓ " + _("Your choice is right."), "choice_wrong": "✗ " + _("Your choice is wrong."),
        "also": _("Also right:"), "step_wrong": _("This step is in the wrong place."),
        "pair_wrong": _("Not this one."), "again": _("Check again"),
        "queued": _("Saved on this phone. It is sent when the network returns."),
        "incomplete": {k: str(v) for k, v in INCOMPLETE.items()},
    }
    # An exercise whose page could not be cut into its parts is left out: offline, it says that it
    # needs the network, rather than show half a screen.
    found = {ex.id: _exercise_key(level, lesson, ex, lang) for ex in lesson.variant(lang).exercises}
    exercises = {eid: key for eid, key in found.items() if key is not None}
    return jsonify(lesson=lesson.id, lang=lang, questions=questions, text=text, exercises=exercises)


# The parts of the practice page (learn/exercise.html) that static/offline.js swaps in offline.
SCREEN_PART = re.compile(r'<section[^>]*\bid="screen".*?</section>', re.S)
FEEDBACK_PART = re.compile(r'<div class="fb ex-fb.*?</div>', re.S)
REVIEW_LINE = re.compile(r'<li class="(?:right|wrong|critical)">.*?</li>', re.S)
# Numbers of a result that the phone counts itself, written into the result's markup here and
# replaced there (`right` … `critical` in static/offline.js): no real count is this large.
SLOTS = {"right": 9000001, "hits": 9000002, "false_alarms": 9000003, "critical": 9000004}
CODE_SLOT = "9000005"  # the SMS code on the simulated phone (six digits: never this)


def _exercise_key(level: Level, lesson: Item, exercise, lang: str) -> dict | None:
    """A practice exercise, for playing offline: each screen, and after each move its feedback
    and its line of the review, cut from the practice page rendered as the server shows it
    online, so that the phone shows the same markup and words; the marks and which moves say
    "something is wrong", for the phone to count the result (`exercise.score`); and the result
    section in its three verdicts, with slots for the counts. An eGov screen also carries what to
    type (`fields`: the IIN, password and search word written on the screen; the SMS code is the
    attempt's, `exercise.sms_code`, made on the phone from the screen `code_from`), a slot for
    that code in its markup, and the screen as shown after a typing slip in each field."""
    service = SERVICES[exercise.service]
    here = url_for("learn.exercise", level_id=level.id, item_id=lesson.id, exercise_id=exercise.id)

    def page(step=0, screen=None, last=None, result=None, review=(), slip=""):
        code = CODE_SLOT if screen is not None and exercise.code_at(step, "") else ""
        return render_template("learn/exercise.html", level=level, lesson=lesson, variant=lesson.variant(lang),
                               page=ExercisePage(exercise, "", step, screen, last, result, list(review), code, slip),
                               move_url=here, again_url=here + "?new=1",
                               back_url=url_for("learn.item", level_id=level.id, item_id=lesson.id))

    def part(pattern, html):
        found = pattern.search(html)
        return found.group(0) if found else ""

    screens = []
    everything = [(s, m) for s in exercise.screens for m in s.moves]
    found = REVIEW_LINE.findall(part(SCREEN_PART, page(result=_result(exercise, 0), review=everything)))
    if len(found) != len(everything):
        return None
    lines = iter(found)
    for step, screen in enumerate(exercise.screens):
        moves = {}
        for move in screen.moves:
            moves[move.id] = {"mark": move.mark, "flag": move.id in service.says_scam,
                              "feedback": part(FEEDBACK_PART, page(len(exercise.screens), last=(screen, move))),
                              "review": next(lines, "")}
        code_from = next((s.id for s in reversed(exercise.screens[:step + 1]) if s.sms == "new"), "")
        screens.append({"id": screen.id, "scam": screen.scam, "moves": moves,
                        "html": part(SCREEN_PART, page(step, screen)),
                        "fields": [[name, value] for name, value in screen.fields], "code_from": code_from,
                        "slips": {name: part(SCREEN_PART, page(step, screen, slip=name))
                                  for name, _ in screen.fields if name != "chat"}})
    results = {name: part(SCREEN_PART, page(result=_result(exercise, critical, passed)))
               for name, critical, passed in (("passed", 0, True), ("critical", SLOTS["critical"], False),
                                              ("almost", 0, False))}
    parts = [s["html"] for s in screens] + [m["feedback"] for s in screens for m in s["moves"].values()]
    if not all(parts + list(results.values())):
        return None
    return {"screens": screens, "result": results, "slots": SLOTS, "code_slot": CODE_SLOT,
            "pass_mark": level.pass_mark}  # offline.js says "passed" by the mastery rule at this mark


def _result(exercise, critical: int, passed: bool = False) -> dict:
    scams = sum(s.scam for s in exercise.screens)
    total = len(exercise.screens)
    return {**Result(SLOTS["right"], total, SLOTS["hits"], scams, SLOTS["false_alarms"], total - scams,
                     critical, ()).payload(), "critical": critical, "passed": passed}


@learn_bp.get("/offline/missing")
def offline_missing():
    """What the service worker shows for a page that is not saved, when there is no network."""
    return render_template("learn/offline_missing.html")
