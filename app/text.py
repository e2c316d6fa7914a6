"""Text typed or pasted by people: one rule for control characters and for name lengths. Pure."""

from __future__ import annotations

import re

NAME_MAX = 120  # letters in a person's or a place's name (the database columns hold this many)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # control characters: invisible, and XLSX refuses most
LINE_BREAKS = "\t\n\r"  # the control characters a paragraph may keep


def without_control(text: str, keep: str = LINE_BREAKS) -> str:
    """The text without control characters, except those in `keep`."""
    return CONTROL.sub(lambda m: m.group() if m.group() in keep else "", text)


def clean_name(name: str | None) -> str:
    """A name on one line: control characters and runs of spaces become one space."""
    return " ".join(CONTROL.sub(" ", name or "").split())
