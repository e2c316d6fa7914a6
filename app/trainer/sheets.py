"""Sign-in sheets: what is printed for a learner, in the learner's own language.

A sheet carries the login code, and the PIN only when a new one was just made (PINs are stored
hashed: nobody can read an old one back). It also says how to keep the PIN safe, as lesson 04
teaches: remember it, never write it on a card, tell it to nobody.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from ..i18n import LANGUAGES
from .views import bp


def _texts(lang: str) -> dict[str, str]:
    with force_locale(lang):
        return {
            "title": _("Sign-in sheet"),
            "code": _("Login code"),
            "pin": _("PIN"),
            "pin_kept": _("the 4 digits you already have. Forgot them? Your trainer can give you a new PIN."),
            "cut": _("Cut off this strip once you remember the PIN, and tear it up."),
            "safe_title": _("Keep your PIN safe"),
            "safe_1": _("Learn the PIN by heart. Never write it on a bank card or keep it with your phone."),
            "safe_2": _("Do not tell it to anyone, not even a relative or someone who calls you."),
            "safe_3": _("Someone may know your PIN? Ask your trainer for a new one."),
        }


@bp.app_template_global()
def sheet_text(lang: str | None) -> dict[str, str]:
    """The sheet's words in `lang` (a learner's language); Kazakh if it is unknown."""
    return _texts(lang if lang in LANGUAGES else LANGUAGES[0])
