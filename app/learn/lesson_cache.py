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
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

from flask import current_app, get_template_attribute, request
from flask_babel import get_translations
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..content.model import Item, Level
from . import pages

log = logging.getLogger(__name__)
EXTENSION = "auyl_lesson_cache"
MACROS = "macros/question.html"


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


class LessonCache:
    def __init__(self, size: int):
        self.skeletons = _Store(max(64, size // 16))
        self.fragments = _Store(size)
        # Stands for the CSRF token in kept pieces: random, so that no lesson text can contain it.
        self.marker = f"auyl-csrf-{secrets.token_hex(12)}"

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


def fresh_article(level: Level, item: Item, lang: str, mode: str, answers: dict, secret: str) -> Markup:
    """The article rendered whole for this learner (no store): what the kept pieces must equal."""
    blocks = pages.blocks_for(item, lang, answers, secret)
    return get_template_attribute(MACROS, "blocks_html")(blocks, level.id, item.id, mode)


def lesson_article(level: Level, item: Item, lang: str, mode: str, answers: dict, secret: str) -> Markup:
    """The lesson's prose and questions with this learner's answers shown (`mode`: "lesson" or
    "review"), from the kept pieces, or fresh when LESSON_CACHE_SIZE is 0."""
    size = int(current_app.config["LESSON_CACHE_SIZE"])
    if size <= 0:
        return fresh_article(level, item, lang, mode, answers, secret)
    cache = current_app.extensions.get(EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(EXTENSION, LessonCache(size))
    return cache.article(level, item, lang, mode, answers, secret)
