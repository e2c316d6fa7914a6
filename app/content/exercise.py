"""Practice exercises on a safe copy of a service: their model, how they are written in a
lesson, their checks and their scoring. Pure: no Flask.

An exercise is a `::: exercise <id>` block in the lesson's Markdown, in each language: a
`service:` (`inbox`, the phone inbox, `bank`, a bank app, or `egov`, the eGov portal), `hints:` (`shown` or `on-request`), an optional
introduction, then screens. A screen starts with `screen: <id>` and its keys; the lines after them
are what the screen shows, then its moves, written like choices:

    - [x] delete: the right move          (its feedback on the next line, indented `  > `)
    - [ ] safe: a wrong move
    - [!] tell-code: a critical mistake

The word before the colon is the move's id, one of the service's moves (`SERVICES`): the same
in both languages, so that the content check can compare them. Steps are server-driven: the
learner makes one move per screen, sees its feedback, goes on (`check_move`, `score`).

A screen may also have `fields:`, what the learner types before the right move (an IIN and a
password from the screen, the one-time code shown on the simulated phone, a word to search), and
`sms: new` (a new SMS with a one-time code arrives on the phone beside the page) or `sms: shown`
(the phone still shows it). A typing slip is not a move: the screen is shown again, nothing stored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .services import FIELDS, FREE_FIELDS, SERVICES, SMS_STATES, Service

_KEY_RE = re.compile(r"^([a-z]+):\s*(.*)$")
_MOVE_RE = re.compile(r"^[-*]\s+\[([ xX!])\]\s+([a-z][a-z0-9-]*):\s*(.+)$")
_FEEDBACK_RE = re.compile(r"^\s{2,}>\s?(.*)$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RIGHT, WRONG, CRITICAL = "right", "wrong", "critical"
_MARKS = {"x": RIGHT, "X": RIGHT, " ": WRONG, "!": CRITICAL}
HINTS = ("shown", "on-request")


# Numbers a mock screen may show: the official ones of content/SOURCES.md (kz-facts.md §1.7, §4.7).
# Anything else must be an obvious placeholder with X in place of digits (+7 7XX XXX XX XX).
OFFICIAL_NUMBERS = ("1414", "8-800-080-7777", "102", "7111")
_DIGITS_RE = re.compile(r"\d")


def _placeholder(number: str) -> bool:
    """An obviously fake number: X in place of digits, at most the country and operator's first digit."""
    return number.count("X") >= 6 and len(_DIGITS_RE.findall(number)) <= 2


@dataclass(frozen=True)
class Move:
    id: str
    text: str  # inline HTML
    mark: str  # right | wrong | critical
    feedback: str = ""  # inline HTML


@dataclass(frozen=True)
class Screen:
    id: str
    channel: str
    sender: str  # plain text
    scam: bool
    text: str  # HTML
    hint: str  # inline HTML
    moves: tuple[Move, ...]
    line: int = 0
    fields: tuple[tuple[str, str], ...] = ()  # (name, expected value; "" for code and chat)
    sms: str = ""  # "" | new | shown: the simulated phone beside the page

    def move(self, move_id: str) -> Move | None:
        return next((m for m in self.moves if m.id == move_id), None)


def sms_code(attempt: str, screen_id: str) -> str:
    """The one-time code of the SMS that arrived on `screen_id` in this attempt: six digits, the
    same each time the page is shown, different in each attempt (not a secret: it is on the screen)."""
    digest = hashlib.sha256(f"{attempt}/{screen_id}".encode()).hexdigest()
    return f"{int(digest[:12], 16) % 1_000_000:06d}"


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


class WrongEntry(ValueError):
    """What was typed is not what the screen asks for (a slip, not a move): show the screen again,
    store nothing. `field` is the first field that differs."""

    def __init__(self, field_name: str):
        super().__init__(field_name)
        self.field = field_name


@dataclass(frozen=True)
class Exercise:
    id: str
    service: str
    hints: str  # shown | on-request
    intro: str  # HTML
    screens: tuple[Screen, ...]
    line: int = 0

    def signature(self) -> tuple:
        """What must be equal between the Kazakh and the Russian version."""
        return (self.id, self.service, self.hints,
                tuple((s.id, s.channel, s.scam, tuple((m.id, m.mark) for m in s.moves)) for s in self.screens),
                tuple((s.sms, tuple(name for name, _ in s.fields)) for s in self.screens))

    def code_at(self, step: int, attempt: str) -> str:
        """The code the phone shows on screen `step` (the latest `sms: new` up to it), or ""."""
        for screen in reversed(self.screens[:step + 1]):
            if screen.sms == "new":
                return sms_code(attempt, screen.id)
        return ""


def parse_exercise(eid: str | None, body: Sequence[str], first_line: int, problem, markdown, inline) -> Exercise | None:
    """The `::: exercise` block; `body` holds the lines between the opener and ':::'.
    `problem(line, message)` takes the file's line; `markdown`/`inline` render author text."""
    if not eid:
        problem(first_line, "'::: exercise' needs an id, e.g. '::: exercise phone-inbox'")
        return None
    if not ID_RE.match(eid):
        problem(first_line, f"exercise id '{eid}' must be small Latin letters, digits and '-'")
    head: dict[str, str] = {}
    intro: list[str] = []
    screens: list[dict] = []
    for offset, line in enumerate(body, 1):
        n = first_line + offset
        key = _KEY_RE.match(line)
        move = _MOVE_RE.match(line)
        feedback = _FEEDBACK_RE.match(line)
        if key and key.group(1) == "screen":
            screens.append({"id": key.group(2).strip(), "line": n, "keys": {}, "text": [], "moves": []})
        elif not screens:
            if key and key.group(1) in ("service", "hints"):
                head[key.group(1)] = key.group(2).strip()
            elif key and not intro:
                problem(n, f"unknown exercise key '{key.group(1)}' (known: service, hints, screen)")
            else:
                intro.append(line)
        elif move:
            screens[-1]["moves"].append({"mark": _MARKS[move.group(1)], "id": move.group(2), "text": move.group(3),
                                         "feedback": "", "line": n})
        elif feedback and screens[-1]["moves"]:
            last = screens[-1]["moves"][-1]
            last["feedback"] = (last["feedback"] + " " + feedback.group(1).strip()).strip()
        elif key and not screens[-1]["text"] and not screens[-1]["moves"]:
            screens[-1]["keys"][key.group(1)] = (key.group(2).strip(), n)
        elif not line.strip():
            if screens[-1]["text"]:
                screens[-1]["text"].append(line)
        elif screens[-1]["moves"]:
            problem(n, f"unexpected line among the moves: {line.strip()!r} (a move is '- [x] id: text')")
        else:
            screens[-1]["text"].append(line)
    service = SERVICES.get(head.get("service", ""))
    if service is None:
        problem(first_line, f"exercise '{eid}' needs 'service:' one of {', '.join(SERVICES)}")
        return None
    hints = head.get("hints", "shown")
    if hints not in HINTS:
        problem(first_line, f"exercise '{eid}': 'hints:' is 'shown' or 'on-request', not '{hints}'")
    if not screens:
        problem(first_line, f"exercise '{eid}' has no screens; start each with 'screen: <id>'")
    built = []
    seen: set[str] = set()
    for s in screens:
        built.append(_screen(eid, s, service, seen, problem, markdown, inline))
        sent = any(b.sms == "new" for b in built)
        if (built[-1].sms == "shown" or any(f == "code" for f, _ in built[-1].fields)) and not sent:
            problem(s["line"], f"screen '{s['id']}' shows or asks for the phone's code, but no earlier screen "
                               "has 'sms: new'")
    return Exercise(id=eid, service=service.name, hints=hints, intro=markdown("\n".join(intro)) if
                    "".join(intro).strip() else "", screens=tuple(built), line=first_line)


def _screen(eid, s: dict, service: Service, seen: set, problem, markdown, inline) -> Screen:
    line = s["line"]
    if not ID_RE.match(s["id"]):
        problem(line, f"screen id '{s['id']}' must be small Latin letters, digits and '-'")
    if s["id"] in seen:
        problem(line, f"screen '{s['id']}' is given twice in exercise '{eid}'")
    seen.add(s["id"])
    keys = s["keys"]
    for name, (_, n) in keys.items():
        if name not in service.screen_keys:
            problem(n, f"unknown screen key '{name}' (known: {', '.join(service.screen_keys)})")
    channel = keys.get("channel", ("", line))[0]
    if channel not in service.channels:
        problem(keys.get("channel", ("", line))[1], f"screen '{s['id']}': 'channel:' is one of {', '.join(service.channels)}")
    sender, sender_line = keys.get("from", ("", line))
    if not sender and service.needs_sender:
        problem(line, f"screen '{s['id']}' needs 'from:' (who sent it)")
    elif _DIGITS_RE.search(sender) and sender not in OFFICIAL_NUMBERS and not _placeholder(sender):
        problem(sender_line, f"screen '{s['id']}': '{sender}' is not an official number; use one of "
                             f"{', '.join(OFFICIAL_NUMBERS)} or a placeholder with X for digits (+7 7XX XXX XX XX)")
    flag = service.flag_key
    scam_text = keys.get(flag, ("", line))[0]
    if scam_text not in ("yes", "no"):
        problem(keys.get(flag, ("", line))[1], f"screen '{s['id']}' needs '{flag}: yes' or '{flag}: no'")
    scam = scam_text == "yes"
    if not "".join(s["text"]).strip():
        problem(line, f"screen '{s['id']}' shows nothing: write the message after its keys")
    fields = _fields(s["id"], keys, problem)
    sms, sms_line = keys.get("sms", ("", line))
    if sms and sms not in SMS_STATES:
        problem(sms_line, f"screen '{s['id']}': 'sms:' is 'new' (a code arrives on the phone) or 'shown'")
    moves = s["moves"]
    if len(moves) < (1 if any(name != "chat" for name, _ in fields) else 2):
        problem(line, f"screen '{s['id']}' needs at least 2 moves written as '- [x] id: text'"
                      " (1 when the learner types in a field)")
    ids = [m["id"] for m in moves]
    for m in moves:
        if m["id"] not in service.moves:
            problem(m["line"], f"move '{m['id']}' is not a move of the {service.name} (known: {', '.join(service.moves)})")
        elif m["mark"] == RIGHT and scam_text in ("yes", "no") and (m["id"] in service.says_scam) != scam:
            problem(m["line"], f"move '{m['id']}' is marked right, but the screen says '{flag}: {scam_text}'")
    if len(set(ids)) != len(ids):
        problem(line, f"screen '{s['id']}' offers the same move twice")
    if moves and not any(m["mark"] == RIGHT for m in moves):
        problem(line, f"screen '{s['id']}' has no right move; mark one with [x]")
    return Screen(id=s["id"], channel=channel, sender=sender, scam=scam, text=markdown("\n".join(s["text"])),
                  hint=inline(keys.get("hint", ("", 0))[0]), line=line, fields=fields, sms=sms,
                  moves=tuple(Move(m["id"], inline(m["text"]), m["mark"], inline(m["feedback"])) for m in moves))


def _fields(screen_id: str, keys: dict, problem) -> tuple[tuple[str, str], ...]:
    """`fields: iin=000000000000, password=demo-1234` or `fields: code`: (name, expected value)."""
    text, n = keys.get("fields", ("", 0))
    found: list[tuple[str, str]] = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, value = (x.strip() for x in part.partition("="))
        if name not in FIELDS:
            problem(n, f"screen '{screen_id}': unknown field '{name}' (known: {', '.join(FIELDS)})")
        elif name in FREE_FIELDS and value:
            problem(n, f"screen '{screen_id}': field '{name}' takes no value (the code is the one on the phone)")
        elif name not in FREE_FIELDS and not value:
            problem(n, f"screen '{screen_id}': field '{name}' needs the value to type, e.g. '{name}=...'")
        elif name in (f for f, _ in found):
            problem(n, f"screen '{screen_id}': field '{name}' is given twice")
        else:
            found.append((name, value))
    return tuple(found)


# Playing: server-driven steps -------------------------------------------------------------------

class InvalidMove(ValueError):
    """A move that cannot come from the screen shown (not on it, a skipped or replayed screen,
    a forged form): refuse it, store nothing."""


@dataclass
class AttemptState:
    """The learner's open attempt at one exercise: its id and the moves made (screen, move)."""

    attempt: str = ""
    moves: list = field(default_factory=list)  # [(screen id, move id)]
    used: frozenset = frozenset()  # ids of the learner's earlier attempts (closed or left)


def check_move(exercise: Exercise, state: AttemptState, attempt: str, step: int, screen_id: str,
               move_id: str, typed: Mapping[str, str] | None = None) -> Move:
    """The move, if it is the next one of `state` (or starts a new attempt at step 0); else InvalidMove.
    The right move of a screen with fields needs what was `typed` to be what it asks for; else WrongEntry."""
    if not re.fullmatch(r"[0-9a-f]{32}", attempt or ""):
        raise InvalidMove("no attempt")
    if attempt != state.attempt and attempt in state.used:
        raise InvalidMove("a form of an earlier attempt")
    expected = len(state.moves) if attempt == state.attempt else 0
    if step != expected:
        raise InvalidMove("not the screen the learner is on")
    if not 0 <= step < len(exercise.screens) or exercise.screens[step].id != screen_id:
        raise InvalidMove("no such screen")
    screen = exercise.screens[step]
    move = screen.move(move_id)
    if move is None:
        raise InvalidMove("no such move on this screen")
    if move.mark == RIGHT:
        typed = typed or {}
        for name, wanted in screen.fields:
            if not _typed_right(name, wanted, typed.get(name, ""), exercise.code_at(step, attempt)):
                raise WrongEntry(name)
    return move


def _typed_right(name: str, expected: str, typed: str, code: str) -> bool:
    if name == "chat":
        return True
    if name == "code":
        return bool(code) and _digits(typed) == code
    if name == "iin":
        return _digits(typed) == _digits(expected) and bool(_digits(expected))
    if name == "query":
        return expected.casefold() in " ".join(typed.split()).casefold()
    return typed.strip() == expected


@dataclass(frozen=True)
class Result:
    right: int
    total: int
    hits: int  # scam screens flagged as scams
    scams: int
    false_alarms: int  # safe screens flagged as scams
    safe: int
    critical: int  # critical mistakes
    critical_screens: tuple[str, ...]

    @property
    def score(self) -> float:
        return round(self.right / self.total, 4) if self.total else 0.0

    @property
    def passed(self) -> bool:
        """No critical mistake and at least 80 % of the screens right: kept with the attempt for
        the record. The pages and mastery judge at the level's own pass mark instead
        (`derive.exercise_counts`, `learn.pages.exercise_page`, offline.js)."""
        return self.critical == 0 and self.score >= 0.8 - 1e-9

    def payload(self) -> dict:
        return {"score": self.score, "right": self.right, "total": self.total, "hits": self.hits,
                "scams": self.scams, "false_alarms": self.false_alarms, "safe": self.safe,
                "critical": self.critical, "critical_screens": list(self.critical_screens), "passed": self.passed}


def score(exercise: Exercise, moves: Sequence[tuple[str, str]]) -> Result:
    """Hits, false alarms and critical mistakes of a finished attempt's moves (screen id, move id)."""
    service = SERVICES[exercise.service]
    chosen = dict(moves)
    right = hits = false_alarms = critical = 0
    critical_screens = []
    for screen in exercise.screens:
        move = screen.move(chosen.get(screen.id, ""))
        if move is None:
            continue
        flagged = move.id in service.says_scam
        right += move.mark == RIGHT
        hits += screen.scam and flagged
        false_alarms += (not screen.scam) and flagged
        if move.mark == CRITICAL:
            critical += 1
            critical_screens.append(screen.id)
    scams = sum(s.scam for s in exercise.screens)
    return Result(right, len(exercise.screens), hits, scams, false_alarms, len(exercise.screens) - scams,
                  critical, tuple(critical_screens))
