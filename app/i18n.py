"""Which language a page is in: the one place that decides it."""

from flask import has_request_context, session
from flask_login import current_user

from .languages import LANGUAGES

# Kazakh alphabetical order (Cyrillic): databases sort Ә, Ғ, Қ, Ң, Ө, Ұ, Ү, Һ, І after Я.
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_RANK = {ch: i for i, ch in enumerate(KAZAKH_ALPHABET)}


def alphabetical(text: str) -> tuple:
    """A sort key that puts Kazakh (and Russian) names in alphabetical order."""
    return tuple(_RANK.get(ch, 100 + ord(ch)) for ch in (text or "").casefold())
# Each language's name in itself, for the switch (a person looks for their own language).
NATIVE_NAMES = {"kk": "Қазақша", "ru": "Русский"}


def select_locale() -> str | None:
    """The UI language: chosen in this session, else the account's, else Kazakh (None).

    The browser's Accept-Language is not used on purpose: village-centre PCs often have a
    Russian browser, and the programme's default language is Kazakh.
    """
    if not has_request_context():  # CLI and reports use force_locale()
        return None
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    return None


def current_language() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else LANGUAGES[0]


def set_language(lang: str) -> None:
    """Switch this session (and the signed-in account) to `lang`, from now on in this request too."""
    from flask_babel import refresh

    from .extensions import db

    session["lang"] = lang
    if current_user.is_authenticated:
        from .sync.stamp import is_home

        if is_home(current_user):  # elsewhere (a village learner at home) the choice stays in the session
            current_user.language = lang
            db.session.commit()
    else:
        session["lang_chosen"] = True  # chosen before signing in: kept for the account
    refresh()
