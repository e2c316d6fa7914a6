"""Question types, found through a registry (`base.py` says what a type provides).

The built-in types register themselves when this package is imported: choice (single,
truefalse, multiple), order, match and text (surveys only). A new type is a module that calls
`register()` and a template under app/templates/qtypes/; see content/README.md.
"""

from . import choice, match, order, text  # noqa: F401  (each registers its types)
from .base import (
    Graded,
    IncompleteAnswer,
    InvalidAnswer,
    QuestionType,
    get,
    names,
    register,
    unregister,
)

__all__ = ["Graded", "IncompleteAnswer", "InvalidAnswer", "QuestionType", "get", "names", "register", "unregister"]
