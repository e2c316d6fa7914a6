"""Parse one lesson or test file: a `key: value` header, Markdown prose, boxes and questions.

The format is described for authors in `content/README.md`. Parsing never raises on bad
content: it returns what it could read and a list of `Problem`s with file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import qtypes
from .exercise import parse_exercise
from .model import BOX_KINDS, Box, Option, Problem, Prose, Question, Variant
from .render import RAW_HTML_TAGS, URL_SCHEMES, Links, render_inline, render_markdown

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HEADER_RE = re.compile(r"^([a-z_]+):\s*(.*)$")
_OPEN_RE = re.compile(r"^:::\s*([A-Za-z]+)(?:\s+(\S+))?\s*$")
_CLOSE_RE = re.compile(r"^:::\s*$")
_KEY_RE = re.compile(r"^([a-z]+):\s*(.*)$")
_FEEDBACK_RE = re.compile(r"^\s{2,}>\s?(.*)$")
_IMAGE_RE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")
_LESSON_LINK_RE = re.compile(r"\]\(lesson:([^)\s]*)\)")
_TAG_RE = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)/?\s*(?:>|$)")
_ATTR_RE = re.compile(r"([^\s=/]+)\s*(?:=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_CODE_SPAN_RE = re.compile(r"(`+).*?\1")
_LINK_TARGET_RE = re.compile(r"\]\(\s*<?([^)\s>]+)|^\s*\[[^\]]+\]:\s*<?([^\s>]+)")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
QUESTION_KEYS = ("hint", "explain", "objective", "short")  # short: a survey item's name in reports


@dataclass
class Parsed:
    """What one file holds. `header` maps key -> (value, line)."""

    header: dict = field(default_factory=dict)
    variant: Variant | None = None
    images: list = field(default_factory=list)  # (line, file name)
    lesson_links: list = field(default_factory=list)  # (line, lesson id)
    problems: list = field(default_factory=list)
    path: str = ""

    @property
    def read(self) -> Variant:
        """The variant of a file that could be read (the loader keeps only those)."""
        if self.variant is None:
            raise ValueError(f"{self.path}: the file could not be read")
        return self.variant


@dataclass(frozen=True)
class _FileContext:
    """What every block of one file is parsed with: where problems go and what they name, and
    what Markdown needs (the lesson folder for pictures, the course's lesson links)."""

    shown: str  # the file's path as problems name it
    folder: Path
    item_id: str
    links: Links
    out: Parsed
    survey: bool = False  # a survey's questions have no right answers

    def problem(self, line: int, message: str) -> None:
        self.out.problems.append(Problem(self.shown, line, message))

    def markdown(self, text: str) -> str:
        return render_markdown(text, self.folder, self.item_id, self.links)

    def inline(self, text: str) -> str:
        return render_inline(text, self.folder, self.item_id, self.links) if text else ""


def parse_file(path: Path, lang: str, links: Links, shown_path: str | None = None) -> Parsed:
    """Read and parse `path` (a `kk.md` or `ru.md`)."""
    shown = shown_path or str(path)
    out = Parsed()
    try:
        text = path.read_text(encoding="utf-8-sig")  # Windows Notepad writes a BOM
    except UnicodeDecodeError as exc:
        out.problems.append(Problem(shown, 1, f"not UTF-8 text ({exc.reason})"))
        return out
    lines = text.splitlines()
    body_start = _parse_header(lines, shown, out)
    item_id = out.header.get("id", ("", 0))[0]
    out.path = shown
    _scan_references(lines, body_start, out)
    survey = out.header.get("kind", ("", 0))[0] == "survey"
    blocks = _parse_body(lines, body_start, _FileContext(shown, path.parent, item_id, links, out, survey))
    title = out.header.get("title", ("", 0))[0]
    out.variant = Variant(lang=lang, title=title, blocks=tuple(blocks), path=shown)
    return out


def _parse_header(lines: list[str], shown: str, out: Parsed) -> int:
    i = 0
    while i < len(lines) and lines[i].strip():
        match = _HEADER_RE.match(lines[i].strip())
        if not match:
            out.problems.append(Problem(shown, i + 1, f"header line is not 'key: value': {lines[i]!r}"))
        elif match.group(1) in out.header:
            out.problems.append(Problem(shown, i + 1, f"header key '{match.group(1)}' given twice"))
        else:
            out.header[match.group(1)] = (match.group(2).strip(), i + 1)
        i += 1
    if i == 0:
        out.problems.append(Problem(shown, 1, "the file must start with a header (id: …, kind: …)"))
    return i


def _raw_html_problems(line: str) -> list[str]:
    """Raw HTML on a line of Markdown (outside `code`) that lessons may not have."""
    allowed = ", ".join(f"<{t}>" for t in sorted(RAW_HTML_TAGS))
    found = []
    for match in _TAG_RE.finditer(_CODE_SPAN_RE.sub("", line)):
        tag = match.group(1).lower()
        if tag not in RAW_HTML_TAGS:
            found.append(f"raw HTML <{tag}> is not allowed in lessons (allowed: {allowed}); write Markdown")
            continue
        for attr in _ATTR_RE.findall(match.group(2)):
            if attr.lower() not in RAW_HTML_TAGS[tag]:
                found.append(f"attribute '{attr}' is not allowed on <{tag}>")
    for inline, reference in _LINK_TARGET_RE.findall(_CODE_SPAN_RE.sub("", line)):
        target = inline or reference
        scheme = _SCHEME_RE.match(target)
        if scheme and scheme.group(1).lower() not in URL_SCHEMES | {"lesson"}:
            found.append(f"a '{scheme.group(1)}:' link is not allowed: links start with https:, http:, mailto:, "
                         "tel: or lesson:")
    return found


def _scan_references(lines: list[str], start: int, out: Parsed) -> None:
    fenced = False
    for n in range(start, len(lines)):
        if lines[n].lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced and not lines[n].startswith(("    ", "\t")):
            for message in _raw_html_problems(lines[n]):
                out.problems.append(Problem(out.path, n + 1, message))
        if lines[n].startswith("# "):
            out.problems.append(Problem(out.path, n + 1,
                                        "the page title comes from 'title:'; start headings at '##'"))
        for target in _IMAGE_RE.findall(lines[n]):
            out.images.append((n + 1, target))
        for target in _LESSON_LINK_RE.findall(lines[n]):
            out.lesson_links.append((n + 1, target))


def _parse_body(lines: list[str], start: int, ctx: _FileContext) -> list:
    """Split the body into prose, boxes and questions; boxes may hold questions."""
    shown, out = ctx.shown, ctx.out
    stack: list[tuple[str, int, list]] = [("body", 0, [])]  # (kind, line, blocks)
    prose: list[str] = []

    def flush():
        if any(s.strip() for s in prose):
            stack[-1][2].append(Prose(ctx.markdown("\n".join(prose))))
        prose.clear()

    i = start
    while i < len(lines):
        line = lines[i]
        opened = _OPEN_RE.match(line)
        if opened:
            flush()
            kind, arg = opened.group(1), opened.group(2)
            if kind == "exercise":
                end = i + 1
                while end < len(lines) and not _CLOSE_RE.match(lines[end]) and not _OPEN_RE.match(lines[end]):
                    end += 1
                if end >= len(lines) or not _CLOSE_RE.match(lines[end]):
                    out.problems.append(Problem(shown, i + 1, f"exercise '{arg}' is not closed with ':::'"))
                if ctx.survey:
                    out.problems.append(Problem(shown, i + 1, "surveys have no exercises"))
                exercise = parse_exercise(arg, lines[i + 1:end], i + 1, ctx.problem, ctx.markdown, ctx.inline)
                if exercise:
                    stack[-1][2].append(exercise)
                i = end + 1 if end < len(lines) and _CLOSE_RE.match(lines[end]) else end
                continue
            if qtypes.get(kind) is not None:
                end = i + 1
                while end < len(lines) and not _CLOSE_RE.match(lines[end]) \
                        and not _OPEN_RE.match(lines[end]):
                    end += 1
                if end >= len(lines) or not _CLOSE_RE.match(lines[end]):
                    out.problems.append(Problem(shown, i + 1, f"question '{arg}' is not closed with ':::'"))
                question = _parse_question(ctx, kind, arg, lines[i + 1:end], i + 1)
                if question:
                    stack[-1][2].append(question)
                i = end + 1 if end < len(lines) and _CLOSE_RE.match(lines[end]) else end
                continue
            if kind in BOX_KINDS:
                if arg:
                    out.problems.append(Problem(shown, i + 1, f"box '::: {kind}' takes no id"))
                if len(stack) > 1:
                    out.problems.append(Problem(shown, i + 1, "a box cannot be inside another box"))
                stack.append((kind, i + 1, []))
            else:
                known = ", ".join(qtypes.names() + BOX_KINDS + ("exercise",))
                out.problems.append(Problem(shown, i + 1, f"unknown block '::: {kind}' (known: {known})"))
                stack.append((kind, i + 1, []))
            i += 1
            continue
        if _CLOSE_RE.match(line):
            flush()
            if len(stack) == 1:
                out.problems.append(Problem(shown, i + 1, "':::' closes nothing"))
            else:
                kind, _, blocks = stack.pop()
                if kind in BOX_KINDS:
                    stack[-1][2].append(Box(kind=kind, blocks=tuple(blocks)))
            i += 1
            continue
        prose.append(line)
        i += 1
    flush()
    while len(stack) > 1:
        kind, line_no, blocks = stack.pop()
        out.problems.append(Problem(shown, line_no, f"'::: {kind}' is not closed with ':::'"))
        stack[-1][2].extend(blocks)
    return stack[0][2]


def _parse_question(ctx: _FileContext, qtype: str, qid: str | None, body: list[str],
                    first_line: int) -> Question | None:
    """One question block; `body` holds the lines between the opener and ':::'."""
    def problem(offset: int, message: str):
        ctx.problem(first_line + offset, message)

    if not qid:
        problem(0, f"'::: {qtype}' needs an id, e.g. '::: {qtype} my-question'")
        return None
    if not ID_RE.match(qid):
        problem(0, f"question id '{qid}' must be small Latin letters, digits and '-'")
    keys: dict[str, str] = {}
    text: list[str] = []
    options: list[dict] = []
    n = 0
    while n < len(body) and not body[n].strip():
        n += 1
    while n < len(body):  # keys come first
        match = _KEY_RE.match(body[n])
        if not match:
            break
        if match.group(1) not in QUESTION_KEYS:
            problem(n + 1, f"unknown question key '{match.group(1)}' (known: {', '.join(QUESTION_KEYS)})")
        else:
            keys[match.group(1)] = match.group(2).strip()
        n += 1
    for offset in range(n, len(body)):
        line = body[offset]
        option = qtypes.get(qtype).parse_option(line)  # type: ignore[union-attr]
        feedback = _FEEDBACK_RE.match(line)
        key = _KEY_RE.match(line)
        if key and key.group(1) in QUESTION_KEYS:  # authors also put `explain:` last
            keys[key.group(1)] = key.group(2).strip()
        elif option is not None:
            options.append({**option, "line": offset + 1, "feedback": ""})
        elif feedback and options:
            sep = " " if options[-1]["feedback"] else ""
            options[-1]["feedback"] += sep + feedback.group(1).strip()
        elif not line.strip():
            continue
        elif options:
            problem(offset + 1, f"unexpected line among the options: {line.strip()!r}")
        else:
            text.append(line)
    if not "".join(text).strip():
        problem(0, f"question '{qid}' has no question text")
    _check_options(qtype, qid, options, problem, ctx.survey)
    inline = ctx.inline
    return Question(
        id=qid,
        type=qtype,
        text=ctx.markdown("\n".join(text)),
        options=tuple(
            Option(text=inline(o["text"]), correct=o["correct"], feedback=inline(o["feedback"]),
                   match=inline(o.get("match", "")))
            for o in options
        ),
        hint=inline(keys.get("hint", "")),
        explain=inline(keys.get("explain", "")),
        objective=keys.get("objective", ""),
        short=keys.get("short", ""),
        line=first_line,
    )


def _check_options(qtype: str, qid: str, options: list[dict], problem, survey: bool = False) -> None:
    kind = qtypes.get(qtype)
    assert kind is not None  # the body parser calls this for known types only
    if not survey and not kind.in_lessons:
        problem(0, f"question '{qid}': '{qtype}' questions are for surveys only")
        return
    if survey and not kind.in_surveys:
        allowed = ", ".join(t for t in qtypes.names() if qtypes.get(t).in_surveys)  # type: ignore[union-attr]
        problem(0, f"question '{qid}': surveys use {allowed} questions")
        return
    if not kind.in_lessons:  # a survey-only type (text) has no options
        if options:
            problem(0, f"question '{qid}' ({qtype}) takes no options")
        return
    if len(options) < 2:
        problem(0, f"question '{qid}' needs at least 2 options written as {kind.option_shape}")
        return
    if survey:
        return  # in surveys [x] marks the "aware" answers of awareness items, if any
    kind.check(qid, options, problem)
