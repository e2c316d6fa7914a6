"""Load a whole course from a content folder, and find every problem in it.

`load_course(root)` returns the course learners see and the list of problems. A lesson or
test whose own files have problems is left out of the course (it would break its page);
`flask content check` prints the problems so that an author can fix them.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..languages import DEFAULT_LANGUAGE
from .exercise import SERVICES
from .model import KINDS, KNOWLEDGE_PREFIX, LANGUAGES, TOPICS, Box, Course, Item, Level, Problem, Prose, Question
from .parser import ID_RE, Parsed, parse_file
from .render import Links, is_local, svg_problems

LESSON_KEYS = {"id", "kind", "topic", "title", "minutes", "objectives"}
REQUIRED = {"lesson": ("id", "kind", "topic", "title", "minutes", "objectives"),
            "test": ("id", "kind", "title", "minutes"),
            "survey": ("id", "kind", "title", "minutes")}
SURVEYS_DIR = "surveys"  # content/surveys/: the intake and exit surveys, no level.toml
SURVEY_IDS = ("intake", "exit")
LEVEL_KEYS = {"title", "pass_mark", "lessons", "pretest", "posttest"}
FORMS_MIN_COVERAGE = 80  # % of a level's objectives its two test forms must measure (issue #14)


def load_course(root: Path, links: Links | None = None) -> tuple[Course, list[Problem]]:
    """Read every level under `root`; return the usable course and all problems found."""
    root = Path(root)
    links = links or Links()
    problems: list[Problem] = []
    items: dict[str, Item] = {}
    broken: set[str] = set()
    refs: dict[str, dict[str, Parsed]] = {}  # item id -> lang -> parsed file, for cross checks
    raw_levels = []
    if not root.is_dir():
        return Course(levels=(), items={}), [Problem(str(root), 0, "content folder not found")]
    surveys: dict[str, Item] = {}
    left_out: list[tuple[str, str]] = []
    for level_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if level_dir.name == SURVEYS_DIR:
            surveys = _load_surveys(level_dir, root, links, problems)
            continue
        before = len(problems)
        meta = _read_level(level_dir, root, problems)
        if meta is None:
            left_out.append((_shown(level_dir, root), _first(problems[before:], "level.toml is not usable")))
        level_items: list[Item] = []
        for folder in sorted(p for p in level_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
            item, item_problems, parsed = _load_item(folder, level_dir.name, root, links)
            problems.extend(item_problems)
            if item is None or item_problems:
                left_out.append((_shown(folder, root), _first(item_problems, "cannot be read")))
            if item is None:
                continue
            if item.id in items or item.id in {i.id for i in level_items}:
                problems.append(Problem(_shown(folder / "kk.md", root), 1, f"id '{item.id}' is used twice"))
                continue
            if item_problems:
                broken.add(item.id)
            level_items.append(item)
            items[item.id] = item
            refs[item.id] = parsed
        raw_levels.append((level_dir, meta, level_items))
    problems.extend(_cross_checks(items, refs, raw_levels, root))
    usable = {k: v for k, v in items.items() if k not in broken}
    levels = tuple(lv for lv in (_build_level(d, m, usable, root, problems) for d, m, _ in raw_levels) if lv)
    built = {lv.id for lv in levels}
    for level_dir, meta, _ in raw_levels:
        if meta is not None and level_dir.name not in built:
            left_out.append((_shown(level_dir, root), "none of its lessons can be shown"))
    shown_ids = {i.id for lv in levels for i in (*lv.lessons, lv.pretest, lv.posttest) if i is not None}
    for item in usable.values():
        if item.id not in shown_ids and item.level in built:
            left_out.append((_shown(Path(item.folder), root), f"'{item.id}' is not listed in {item.level}/level.toml"))
    course = Course(levels=levels, items=usable, surveys=surveys, left_out=tuple(sorted(left_out)))
    return course, sorted(problems, key=lambda p: (p.path, p.line))


def _first(problems: list[Problem], default: str) -> str:
    return str(problems[0]) if problems else default


def _load_surveys(folder: Path, root: Path, links: Links, problems: list[Problem]) -> dict[str, Item]:
    """The intake and exit surveys. Awareness items (ids `aware-…`) must be the same in both,
    so that each person's answers can be paired before and after."""
    found: dict[str, Item] = {}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        item, item_problems, _ = _load_item(sub, SURVEYS_DIR, root, links)
        problems.extend(item_problems)
        if item is None:
            continue
        if item.kind != "survey":
            problems.append(Problem(_shown(sub / "kk.md", root), 1, f"only surveys belong in {SURVEYS_DIR}/"))
        elif item.id not in SURVEY_IDS:
            problems.append(Problem(_shown(sub / "kk.md", root), 1,
                                    f"survey id must be one of {', '.join(SURVEY_IDS)}"))
        elif not item_problems:
            found[item.id] = item
    if set(found) == set(SURVEY_IDS):
        def aware(item):
            return {q.id: q.signature() for q in item.variant(DEFAULT_LANGUAGE).questions
                    if q.id.startswith(KNOWLEDGE_PREFIX)}
        before, after = aware(found["intake"]), aware(found["exit"])
        for which in SURVEY_IDS:
            for q in found[which].variant(DEFAULT_LANGUAGE).questions:
                if q.id.startswith(KNOWLEDGE_PREFIX) and (q.type != "single" or len(q.correct_indexes) != 1):
                    problems.append(Problem(found[which].variant(DEFAULT_LANGUAGE).path, q.line,
                                            f"knowledge item '{q.id}' must be a single choice with one right "
                                            "option [x]"))
        for qid in sorted(set(before) ^ set(after)):
            where = "intake" if qid in before else "exit"
            problems.append(Problem(found[where].variant(DEFAULT_LANGUAGE).path, 1,
                                    f"awareness item '{qid}' must be in both the intake and the exit survey"))
        for qid in sorted(set(before) & set(after)):
            if before[qid] != after[qid]:
                problems.append(Problem(found["exit"].variant(DEFAULT_LANGUAGE).path, 1,
                                        f"awareness item '{qid}' differs from the intake survey"))
    return found


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _read_level(level_dir: Path, root: Path, problems: list[Problem]) -> dict | None:
    path = level_dir / "level.toml"
    shown = _shown(path, root)
    if not path.is_file():
        problems.append(Problem(shown, 0, "level.toml is missing"))
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")  # Windows Notepad writes a BOM
        meta = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        problems.append(Problem(shown, int(line.group(1)) if line else 1, f"not valid TOML: {exc}"))
        return None
    lines = text.splitlines()

    def line_of(key: str) -> int:
        return next((n + 1 for n, s in enumerate(lines) if key in s.split("#")[0]), 1)

    ok = True
    for key in sorted(set(meta) - LEVEL_KEYS):
        problems.append(Problem(shown, line_of(key), f"unknown key '{key}'"))
    titles = meta.get("title")
    if not isinstance(titles, dict) or any(not titles.get(lang) for lang in LANGUAGES):
        problems.append(Problem(shown, line_of("title"), "title.kk and title.ru are required"))
        ok = False
    mark = meta.get("pass_mark")
    if not isinstance(mark, int) or not 1 <= mark <= 100:
        problems.append(Problem(shown, line_of("pass_mark"), "pass_mark must be a whole number from 1 to 100"))
        ok = False
    lessons = meta.get("lessons")
    if not isinstance(lessons, list) or not lessons or not all(isinstance(x, str) for x in lessons):
        problems.append(Problem(shown, line_of("lessons"), "lessons must be a list of lesson ids"))
        ok = False
    elif len(set(lessons)) != len(lessons):
        problems.append(Problem(shown, line_of("lessons"), "a lesson is listed twice"))
    for key in ("pretest", "posttest"):
        if key in meta and not isinstance(meta[key], str):
            problems.append(Problem(shown, line_of(key), f"{key} must be a test id"))
            ok = False
    meta["_line_of"] = line_of
    meta["_shown"] = shown
    return meta if ok else None


def _load_item(folder: Path, level: str, root: Path, links: Links):
    problems: list[Problem] = []
    parsed: dict[str, Parsed] = {}
    unreadable = False
    for lang in LANGUAGES:
        path = folder / f"{lang}.md"
        if path.is_file():
            result = parse_file(path, lang, links, _shown(path, root))
            problems.extend(result.problems)
            if result.variant is not None:
                parsed[lang] = result
            else:
                unreadable = True
        else:
            others = [lg for lg in LANGUAGES if (folder / f"{lg}.md").is_file()]
            if others:
                problems.append(Problem(_shown(folder / f"{others[0]}.md", root), 1,
                                        f"there is no {lang}.md beside it: every lesson needs both languages"))
    if not parsed:
        if not unreadable:
            problems.append(Problem(_shown(folder, root), 0, "folder has neither kk.md nor ru.md"))
        return None, problems, {}
    for lang, p in parsed.items():
        problems.extend(_check_header(p, lang, folder))
        for line, target in p.images:
            if is_local(target) and not (folder / target).is_file():
                problems.append(Problem(p.read.path, line, f"picture '{target}' not found in {folder.name}/"))
            elif is_local(target) and target.lower().endswith(".svg"):
                svg_path = folder / target
                for svg_line, message in svg_problems(svg_path.read_text(encoding="utf-8-sig", errors="replace")):
                    problems.append(Problem(_shown(svg_path, root), svg_line, message))
            elif not is_local(target):
                problems.append(Problem(p.read.path, line,
                                        f"picture '{target}' must be a file in the lesson folder"))
    if len(parsed) == len(LANGUAGES):
        problems.extend(_parity(parsed))
    first = parsed.get(LANGUAGES[0]) or next(iter(parsed.values()))
    header = {k: v for k, (v, _) in first.header.items()}
    item_id = header.get("id", "")
    if not item_id or not ID_RE.match(item_id):
        return None, problems, {}
    try:
        minutes = int(header.get("minutes", "0"))
    except ValueError:
        minutes = 0
    objectives = tuple(o.strip() for o in header.get("objectives", "").split(",") if o.strip())
    item = Item(id=item_id, kind=header.get("kind", "lesson"), topic=header.get("topic", ""),
                minutes=minutes, level=level, folder=str(folder), objectives=objectives,
                variants={lang: p.read for lang, p in parsed.items()})
    return item, problems, parsed


def _check_header(p: Parsed, lang: str, folder: Path) -> list[Problem]:
    shown = p.read.path
    found: list[Problem] = []
    header = p.header
    for key, (_, line) in header.items():
        if key not in LESSON_KEYS:
            found.append(Problem(shown, line, f"unknown header key '{key}'"))
    kind = header.get("kind", ("", 1))[0]
    if kind not in KINDS:
        found.append(Problem(shown, header.get("kind", ("", 1))[1],
                             f"kind must be one of {', '.join(KINDS)}" if kind else "header needs 'kind:'"))
        kind = "lesson"
    for key in REQUIRED[kind]:
        if not header.get(key, ("", 0))[0]:
            found.append(Problem(shown, 1, f"header needs '{key}:'"))
    value, line = header.get("id", ("", 1))
    if value and not ID_RE.match(value):
        found.append(Problem(shown, line, f"id '{value}' must be small Latin letters, digits and '-'"))
    value, line = header.get("topic", ("", 1))
    if value and value not in TOPICS:
        found.append(Problem(shown, line, f"unknown topic '{value}' (known: {', '.join(TOPICS)})"))
    value, line = header.get("minutes", ("", 1))
    if value and not (value.isdigit() and 1 <= int(value) <= 240):
        found.append(Problem(shown, line, f"minutes must be a whole number, not '{value}'"))
    value, line = header.get("objectives", ("", 1))
    for objective in (o.strip() for o in value.split(",") if o.strip()):
        if not ID_RE.match(objective):
            found.append(Problem(shown, line, f"objective id '{objective}' must be small Latin letters, digits and '-'"))
    seen: set[str] = set()
    for q in p.read.questions:
        if q.id in seen:
            found.append(Problem(shown, q.line, f"question id '{q.id}' is used twice in this file"))
        seen.add(q.id)
        if kind == "test" and not q.objective:
            found.append(Problem(shown, q.line, f"test question '{q.id}' needs 'objective: lesson-id/objective'"))
    for e in p.read.exercises:
        if kind != "lesson":
            found.append(Problem(shown, e.line, f"exercise '{e.id}': exercises belong in lessons, not in a {kind}"))
        if e.id in seen:
            found.append(Problem(shown, e.line, f"exercise id '{e.id}' is used twice in this file"))
        seen.add(e.id)
    found.extend(_check_reminder(p, kind))
    if kind != "test" and not p.read.questions:
        found.append(Problem(shown, 1, f"a {kind} needs at least one question"))
    return found


def _check_reminder(p: Parsed, kind: str) -> list[Problem]:
    """Every lesson has one take-home reminder (`::: reminder`), plain text without questions."""
    shown = p.read.path
    boxes = [b for b in p.read.blocks if isinstance(b, Box) and b.kind == "reminder"]
    if kind == "lesson" and not boxes:
        return [Problem(shown, 1, "a lesson needs a '::: reminder' part (the take-home sheet)")]
    if kind != "lesson" and boxes:
        return [Problem(shown, 1, f"a {kind} has no reminder sheet: remove '::: reminder'")]
    found = []
    if len(boxes) > 1:
        found.append(Problem(shown, 1, "only one '::: reminder' part per lesson"))
    if any(isinstance(inner, Question) for b in boxes for inner in b.blocks):
        found.append(Problem(shown, 1, "a '::: reminder' part holds no questions"))
    return found


def _reminder_shape(variant) -> tuple[int, int]:
    """Headings and list items of the reminder: the same in both languages."""
    html = "".join(b.html for b in variant.reminder.blocks if isinstance(b, Prose)) if variant.reminder else ""
    return len(re.findall(r"<h[1-6]", html)), html.count("<li>")


def _parity(parsed: dict[str, Parsed]) -> list[Problem]:
    """Every language's file must describe the same lesson and the same questions as the first
    language's (Kazakh)."""
    found: list[Problem] = []
    for lang in LANGUAGES[1:]:
        found.extend(_parity_with(DEFAULT_LANGUAGE, parsed[DEFAULT_LANGUAGE], lang, parsed[lang]))
    return found


def _parity_with(base_lang: str, base: Parsed, lang: str, other: Parsed) -> list[Problem]:
    """Problems of `other` (the file in `lang`) against `base` (the file in `base_lang`)."""
    found: list[Problem] = []
    for key in ("id", "kind", "topic", "minutes", "objectives"):
        a, b = base.header.get(key, ("", 1)), other.header.get(key, ("", 1))
        if _norm(a[0]) != _norm(b[0]):
            found.append(Problem(other.read.path, b[1],
                                 f"'{key}' is '{b[0]}' here but '{a[0]}' in {base_lang}.md"))
    a_shape, b_shape = _reminder_shape(base.read), _reminder_shape(other.read)
    if a_shape != b_shape:
        found.append(Problem(other.read.path, 1, f"the reminder has {b_shape[0]} headings and {b_shape[1]} list items here, "
                                                 f"{a_shape[0]} and {a_shape[1]} in {base_lang}.md"))
    found.extend(_exercise_parity(base_lang, base, lang, other))
    base_q, other_q = base.read.questions, other.read.questions
    for i in range(max(len(base_q), len(other_q))):
        if i >= len(base_q):
            found.append(Problem(other.read.path, other_q[i].line, f"question '{other_q[i].id}' is missing from {base_lang}.md"))
            continue
        if i >= len(other_q):
            found.append(Problem(base.read.path, base_q[i].line, f"question '{base_q[i].id}' is missing from {lang}.md"))
            continue
        a, b = base_q[i], other_q[i]
        if a.id != b.id:
            found.append(Problem(other.read.path, b.line,
                                 f"question {i + 1} is '{b.id}' here but '{a.id}' in {base_lang}.md"))
        elif a.type != b.type:
            found.append(Problem(other.read.path, b.line, f"question '{b.id}' is '{b.type}' here but '{a.type}' in {base_lang}.md"))
        elif len(a.options) != len(b.options):
            found.append(Problem(other.read.path, b.line,
                                 f"question '{b.id}' has {len(b.options)} options here but {len(a.options)} in {base_lang}.md"))
        elif a.correct_indexes != b.correct_indexes:
            found.append(Problem(other.read.path, b.line,
                                 f"question '{b.id}': correct answers differ from {base_lang}.md "
                                 f"(options {_human(b.correct_indexes)} here, {_human(a.correct_indexes)} there)"))
        elif a.objective != b.objective:
            found.append(Problem(other.read.path, b.line, f"question '{b.id}': objective differs from {base_lang}.md"))
    return found


def _exercise_parity(base_lang: str, base: Parsed, lang: str, other: Parsed) -> list[Problem]:
    """The same exercises, screens, moves and right answers in both languages."""
    found: list[Problem] = []
    a_ex, b_ex = base.read.exercises, other.read.exercises
    if [e.id for e in a_ex] != [e.id for e in b_ex]:
        where = b_ex[0].line if b_ex else 1
        return [Problem(other.read.path, where, f"exercises are {[e.id for e in b_ex]} here but "
                                                f"{[e.id for e in a_ex]} in {base_lang}.md")]
    for a, b in zip(a_ex, b_ex, strict=True):
        if (a.service, a.hints) != (b.service, b.hints):
            found.append(Problem(other.read.path, b.line, f"exercise '{b.id}': service or hints differ from {base_lang}.md"))
        if [s.id for s in a.screens] != [s.id for s in b.screens]:
            found.append(Problem(other.read.path, b.line, f"exercise '{b.id}': screens {[s.id for s in b.screens]} "
                                                          f"here but {[s.id for s in a.screens]} in {base_lang}.md"))
            continue
        for sa, sb in zip(a.screens, b.screens, strict=True):
            if (sa.channel, sa.scam) != (sb.channel, sb.scam):
                flag = SERVICES[a.service].flag_key if a.service in SERVICES else "scam"
                found.append(Problem(other.read.path, sb.line, f"screen '{sb.id}': channel or {flag} differs from {base_lang}.md"))
            elif [(m.id, m.mark) for m in sa.moves] != [(m.id, m.mark) for m in sb.moves]:
                found.append(Problem(other.read.path, sb.line, f"screen '{sb.id}': moves or right answers differ "
                                     f"from {base_lang}.md ({_moves(sb)} here, {_moves(sa)} there)"))
            elif (sa.sms, _field_names(sa)) != (sb.sms, _field_names(sb)):
                found.append(Problem(other.read.path, sb.line, f"screen '{sb.id}': fields or sms differ from "
                                     f"{base_lang}.md ({_field_names(sb)} sms {sb.sms or '-'} here, "
                                     f"{_field_names(sa)} sms {sa.sms or '-'} there)"))
            elif [f for f in sa.fields if f[0] in ("iin", "password")] != [f for f in sb.fields if f[0] in ("iin", "password")]:
                found.append(Problem(other.read.path, sb.line, f"screen '{sb.id}': the IIN or password to type "
                                     f"differs from {base_lang}.md"))
    return found


def _field_names(screen) -> str:
    return ", ".join(name for name, _ in screen.fields) or "no fields"


def _moves(screen) -> str:
    marks = {"right": "[x]", "wrong": "[ ]", "critical": "[!]"}
    return ", ".join(f"{marks[m.mark]} {m.id}" for m in screen.moves)


def _norm(value: str) -> str:
    return ",".join(v.strip() for v in value.split(","))


def _human(indexes) -> str:
    return ", ".join(str(i + 1) for i in indexes) or "none"


def _cross_checks(items: dict[str, Item], refs: dict, raw_levels, root: Path) -> list[Problem]:
    """The checks across files, each a named function: per level, its level.toml against its
    folders; then every link and objective against the whole course."""
    found: list[Problem] = []
    for level_dir, meta, level_items in raw_levels:
        if meta is None:
            continue
        own = {i.id: i for i in level_items}
        found += _listed_lessons_exist(level_dir, meta, own)
        found += _tests_cover_their_lessons(level_dir, meta, own)
        found += _forms_check(meta, own, items)
        found += _every_item_is_listed(level_dir, meta, level_items, root)
    for item in items.values():
        for parsed in refs.get(item.id, {}).values():
            found += _links_and_objectives_resolve(parsed, items)
    return found


def _listed_lessons_exist(level_dir: Path, meta: dict, own: dict[str, Item]) -> list[Problem]:
    """Each lesson that level.toml lists is a lesson folder of this level."""
    found: list[Problem] = []
    line_of, shown = meta["_line_of"], meta["_shown"]
    for lesson_id in meta["lessons"]:
        if lesson_id not in own:
            found.append(Problem(shown, line_of(f'"{lesson_id}"'), f"lesson '{lesson_id}' is not in {level_dir.name}/"))
        elif own[lesson_id].kind != "lesson":
            found.append(Problem(shown, line_of(f'"{lesson_id}"'), f"'{lesson_id}' is a {own[lesson_id].kind}, not a lesson"))
    return found


def _tests_cover_their_lessons(level_dir: Path, meta: dict, own: dict[str, Item]) -> list[Problem]:
    """The pre- and post-test are tests of this level, with a question on every lesson."""
    found: list[Problem] = []
    line_of, shown = meta["_line_of"], meta["_shown"]
    for key in ("pretest", "posttest"):
        test_id = meta.get(key)
        if test_id is None:
            continue
        test = own.get(test_id)
        if test is None or test.kind != "test":
            found.append(Problem(shown, line_of(key), f"{key} '{test_id}' is not a test in {level_dir.name}/"))
            continue
        covered = {q.objective.split("/")[0] for q in test.variant(DEFAULT_LANGUAGE).questions}
        for lesson_id in meta["lessons"]:
            if lesson_id in own and lesson_id not in covered:
                found.append(Problem(test.variant(DEFAULT_LANGUAGE).path, 1,
                                     f"{key} '{test_id}' has no question on lesson '{lesson_id}'"))
    return found


def _every_item_is_listed(level_dir: Path, meta: dict, level_items: list[Item], root: Path) -> list[Problem]:
    """Every folder of the level is listed in level.toml, and none is a survey."""
    found: list[Problem] = []
    for item in level_items:
        if item.kind == "survey":
            found.append(Problem(_shown(Path(item.folder), root), 0, f"surveys belong in {SURVEYS_DIR}/"))
        elif item.id not in meta["lessons"] and item.id not in (meta.get("pretest"), meta.get("posttest")):
            found.append(Problem(_shown(Path(item.folder), root), 0,
                                 f"'{item.id}' is not listed in {level_dir.name}/level.toml"))
    return found


def _links_and_objectives_resolve(parsed: Parsed, items: dict[str, Item]) -> list[Problem]:
    """`lesson:` links name lessons of the course; a question's objective names a lesson's objective."""
    found: list[Problem] = []
    for line, target in parsed.lesson_links:
        if target not in items:
            found.append(Problem(parsed.read.path, line, f"link to unknown lesson '{target}'"))
    for q in parsed.read.questions:
        if not q.objective:
            continue
        lesson_id, _, objective = q.objective.partition("/")
        lesson = items.get(lesson_id)
        if lesson is None or lesson.kind != "lesson":
            found.append(Problem(parsed.read.path, q.line, f"objective names unknown lesson '{lesson_id}'"))
        elif objective not in lesson.objectives:
            found.append(Problem(parsed.read.path, q.line, f"lesson '{lesson_id}' has no objective '{objective}'"))
    return found


def _forms_check(meta: dict, own: dict[str, Item], items: dict[str, Item]) -> list[Problem]:
    """The pre- and post-test are two forms of one test: question N of each measures the same
    objective (so the two scores compare), and together they measure most of the level."""
    pre, post = (own.get(meta.get(key, "")) for key in ("pretest", "posttest"))
    if pre is None or post is None or pre.kind != "test" or post.kind != "test" or pre is post:
        return []
    found: list[Problem] = []
    a, b = pre.variant(DEFAULT_LANGUAGE).questions, post.variant(DEFAULT_LANGUAGE).questions
    if len(a) != len(b):
        found.append(Problem(post.variant(DEFAULT_LANGUAGE).path, 1, f"forms are not parallel: {len(b)} questions here, "
                                                         f"{len(a)} in '{pre.id}'"))
    for n, (qa, qb) in enumerate(zip(a, b), 1):
        if qa.objective != qb.objective:
            found.append(Problem(post.variant(DEFAULT_LANGUAGE).path, qb.line,
                                 f"forms are not parallel: question {n} measures '{qb.objective}' here "
                                 f"but '{qa.objective}' in '{pre.id}'"))
    objectives = {f"{lesson_id}/{o}" for lesson_id in meta["lessons"] if lesson_id in items
                  for o in items[lesson_id].objectives}
    measured = {q.objective for q in (*a, *b)} & objectives
    if objectives and 100 * len(measured) < FORMS_MIN_COVERAGE * len(objectives):
        missing = ", ".join(sorted(objectives - measured))
        found.append(Problem(meta["_shown"], meta["_line_of"]("pretest"),
                             f"the tests measure {len(measured)} of {len(objectives)} objectives "
                             f"({100 * len(measured) // len(objectives)} %), at least {FORMS_MIN_COVERAGE} % "
                             f"needed; not measured: {missing}"))
    return found


def _build_level(level_dir: Path, meta: dict | None, items: dict[str, Item], root, problems) -> Level | None:
    if meta is None:
        return None
    lessons = tuple(items[i] for i in meta["lessons"] if i in items and items[i].kind == "lesson")
    if not lessons:
        return None

    def test(key):
        item = items.get(meta.get(key, ""))
        return item if item is not None and item.kind == "test" else None

    return Level(id=level_dir.name, titles=dict(meta["title"]), pass_mark=meta["pass_mark"],
                 lessons=lessons, pretest=test("pretest"), posttest=test("posttest"))
