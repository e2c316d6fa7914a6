"""The lesson page's article (prose and questions), rendered once and filled in per learner.

A lesson looks the same for every learner but for the questions they answered, and an answered
question looks the same for everyone who gave that answer. So the article is kept in pieces:

- a *skeleton* per lesson, language, content version (`Variant.version`), UI catalog and mode:
  the article as a learner with no answers sees it, cut at each question's `<section>`;
- a *fragment* per question and answer given (graded the same for everyone), in a bounded
  least-recently-used store;

and a request joins them. Every piece is rendered by the same macros as a fresh page
(macros/question.html), in a request of the same language, so a joined article is the fresh one
(tests/web/test_lesson_cache.py compares them). The question forms' CSRF token is the only part
of the session in the pieces: it is swapped for a marker when a piece is kept and put back for
each request. The store lives in the process (app.extensions): a restart empties it, and a changed
lesson or catalog has other keys, so an old piece is never shown.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

from flask import current_app, get_template_attribute, render_template, request, session
from flask_babel import get_translations
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from ..content.model import Item, Level
from . import pages

log = logging.getLogger(__name__)
EXTENSION = "auyl_lesson_cache"
MACROS = "macros/question.html"
PAGE = "learn/lesson.html"
STATE = "learn/_lesson_state.html"
# What a page shell leaves open, filled in for each request (`LessonCache.page`).
_OPEN = ("csrf", "name", "path", "learner", "state", "article")


class _Store:
    """A thread-safe least-recently-used dict of at most `size` entries."""

    def __init__(self, size: int):
        self.size = size
        self.data: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.data.get(key)
            if value is not None:
                self.data.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)

    def __len__(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class _Slot:
    """Where a question goes in a skeleton: its blank rendering and its view to fill in."""

    view: pages.QuestionView
    blank: str


class _Named:
    """Stands for the signed-in user in a page shell: the one thing base.html reads of it."""

    def __init__(self, name: str):
        self.name = name


class _Path:
    """Stands for the request in a page shell: base.html reads its method and path."""

    method = "GET"

    def __init__(self, full_path: str):
        self.full_path = full_path


class LessonCache:
    def __init__(self, size: int):
        self.skeletons = _Store(max(64, size // 16))
        self.fragments = _Store(size)
        self.shells = _Store(max(64, size // 16))
        self.states = _Store(max(64, size // 16))
        # Stands for the CSRF token in kept pieces: random, so that no lesson text can contain it.
        self.marker = f"auyl-csrf-{secrets.token_hex(12)}"
        # ...and for what a page shell leaves open (_OPEN): the same, one per part.
        self.open_marker = f"auyl-page-{secrets.token_hex(12)}-"
        self.open_split = re.compile(f"{re.escape(self.open_marker)}({'|'.join(_OPEN)})")

    def state(self, summary: pages.LessonSummary, level: Level, repeat: bool) -> Markup:
        """The learner's state of the lesson (learn/_lesson_state.html), kept per what it shows."""
        p = summary.progress
        key = (get_translations(), p.status, p.practice_only, p.shown_finished, repeat, p.best_score,
               p.questions_passed, bool(p.practice_left), summary.answered, summary.total, level.pass_mark)
        state = self.states.get(key)
        if state is None:
            state = lesson_state(summary, level, repeat)
            self.states.put(key, state)
        return state

    def page(self, level: Level, item: Item, lang: str, mode: str, repeat: bool, state: Markup, article: Markup,
             **context) -> str:
        """learn/lesson.html for this learner: the page rendered once per lesson, language, content
        version, UI catalog, site prefix, mode and class computer (its *shell*), with the parts
        that are the learner's or the request's left open and filled in here: the CSRF token, the
        learner's name and id, the page's path (the language switch comes back to it), the state
        and the article. A page with messages to show (flash) is rendered whole."""
        from ..classroom.views import start_page  # the logo's address, and whether on a class computer

        if request.method != "GET" or "_flashes" in session or not current_user.is_authenticated:
            return render_template(PAGE, level=level, lesson=item, mode=mode, repeat=repeat, state=state,
                                   article=article, **context)
        key = (level.id, item.id, lang, item.variant(lang).version, get_translations(), request.script_root, mode,
               repeat, tuple(sorted(start_page().items())))
        shell = self.shells.get(key)
        if shell is None:
            mark = {name: self.open_marker + name for name in _OPEN}
            whole = render_template(
                PAGE, level=level, lesson=item, mode=mode, repeat=repeat, state=Markup(mark["state"]),
                article=Markup(mark["article"]), csrf_token=lambda: mark["csrf"], current_user=_Named(mark["name"]),
                request=_Path(mark["path"]), offline_learner=mark["learner"], **context)
            shell = tuple(self.open_split.split(whole))  # text, part, text, part, ..., text
            self.shells.put(key, shell)
        fill = {"csrf": generate_csrf(), "name": escape(current_user.name), "path": escape(request.full_path),
                "learner": escape(str(current_user.id)), "state": state, "article": article}
        return "".join([piece if k % 2 == 0 else fill[piece] for k, piece in enumerate(shell)])

    def article(self, level: Level, item: Item, lang: str, mode: str, answers: dict, secret: str) -> Markup:
        variant = item.variant(lang)
        # The script root: the site's prefix (behind a proxy) is part of every form's address.
        key = (level.id, item.id, lang, variant.version, get_translations(), request.script_root, mode)
        skeleton = self.skeletons.get(key)
        if skeleton is None:
            skeleton = self._skeleton(level, item, lang, mode, secret)
            self.skeletons.put(key, skeleton)
        if not skeleton:  # could not be cut into pieces: render afresh (logged once)
            return fresh_article(level, item, lang, mode, answers, secret)
        question = get_template_attribute(MACROS, "question")
        parts = []
        for piece in skeleton:
            if isinstance(piece, str):
                parts.append(piece)
                continue
            q = piece.view.question
            graded = pages.graded_or_none(q, answers.get(q.id))
            if graded is None:
                parts.append(piece.blank)
                continue
            fragment_key = (key, q.id, graded.answer)
            fragment = self.fragments.get(fragment_key)
            if fragment is None:
                view = replace(piece.view, graded=graded, given=graded.answer)
                fragment = self._keep(question(view, level.id, item.id, mode, False, 0))
                self.fragments.put(fragment_key, fragment)
            parts.append(fragment)
        return Markup("".join(parts).replace(self.marker, generate_csrf()))

    def _keep(self, html: str) -> str:
        return str(html).replace(generate_csrf(), self.marker)

    def _skeleton(self, level: Level, item: Item, lang: str, mode: str, secret: str) -> tuple:
        """The blank article as text and slots, or () when a question cannot be found in it."""
        blocks = pages.blocks_for(item, lang, {}, secret)
        whole = self._keep(get_template_attribute(MACROS, "blocks_html")(blocks, level.id, item.id, mode))
        question = get_template_attribute(MACROS, "question")
        pieces: list = []
        at = 0
        for view in pages.question_views(blocks):
            blank = self._keep(question(view, level.id, item.id, mode, False, 0))
            found = whole.find(blank, at)
            if found < 0:
                log.warning("lesson %s (%s): question %s not found in its page; the page is rendered afresh",
                            item.id, lang, view.question.id)
                return ()
            pieces += [whole[at:found], _Slot(view, blank)]
            at = found + len(blank)
        pieces.append(whole[at:])
        return tuple(pieces)


def lesson_state(summary: pages.LessonSummary, level: Level, repeat: bool) -> Markup:
    return get_template_attribute(STATE, "lesson_state")(summary, level, repeat)


def fresh_article(level: Level, item: Item, lang: str, mode: str, answers: dict, secret: str) -> Markup:
    """The article rendered whole for this learner (no store): what the kept pieces must equal."""
    blocks = pages.blocks_for(item, lang, answers, secret)
    return get_template_attribute(MACROS, "blocks_html")(blocks, level.id, item.id, mode)


def _cache() -> LessonCache | None:
    size = int(current_app.config["LESSON_CACHE_SIZE"])
    if size <= 0:
        return None
    cache = current_app.extensions.get(EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(EXTENSION, LessonCache(size))
    return cache


def lesson_article(level: Level, item: Item, lang: str, mode: str, answers: dict, secret: str) -> Markup:
    """The lesson's prose and questions with this learner's answers shown (`mode`: "lesson" or
    "review"), from the kept pieces, or fresh when LESSON_CACHE_SIZE is 0."""
    cache = _cache()
    if cache is None:
        return fresh_article(level, item, lang, mode, answers, secret)
    return cache.article(level, item, lang, mode, answers, secret)


def lesson_page(level: Level, item: Item, lang: str, mode: str, repeat: bool, summary: pages.LessonSummary,
                article: Markup, **context) -> str:
    """The whole lesson page (learn/lesson.html): from its kept shell, or rendered afresh when
    LESSON_CACHE_SIZE is 0. `context`: the rest of the template's values (learner-independent)."""
    cache = _cache()
    if cache is None:
        return render_template(PAGE, level=level, lesson=item, mode=mode, repeat=repeat,
                               state=lesson_state(summary, level, repeat), article=article, **context)
    return cache.page(level, item, lang, mode, repeat, cache.state(summary, level, repeat), article, **context)
