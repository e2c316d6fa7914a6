"""Markdown to HTML for lesson prose, with lesson links and pictures resolved.

Each thread has one `markdown.Markdown`, reset after each text (instances keep state between
texts and are not thread-safe): making one builds some 60 patterns and processors, which was
half of the time of loading a course (~9,000 texts in the real one). Lessons are written by
volunteers: the HTML is cleaned with nh3 (an allow-list of what Markdown makes and the few raw
tags in `RAW_HTML_TAGS`), and `flask content check` flags any other raw HTML. Pictures (inline
SVG) are put in after cleaning: they come from files that the content check vets (`svg_problems`).
"""

from __future__ import annotations

import re
import secrets
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


@dataclass(frozen=True)
class Links:
    """How the rendered HTML points to other lessons and to files of this lesson."""

    lesson_url: Callable[[str], str] = lambda lesson_id: f"/lesson/{lesson_id}"
    asset_url: Callable[[str, str], str] = lambda item_id, name: f"/asset/{item_id}/{name}"


# Raw HTML an author may write in a lesson (no attributes but `title` on <abbr>).
RAW_HTML_TAGS = {"br": set(), "kbd": set(), "sub": set(), "sup": set(), "mark": set(), "abbr": {"title"}}
# What Python-Markdown makes from lesson Markdown, and the attributes it (or we) set.
_MARKDOWN_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "a", "img",
                  "code", "pre", "blockquote", "hr", "span"}
ALLOWED_TAGS = _MARKDOWN_TAGS | set(RAW_HTML_TAGS)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "loading"}, "ol": {"start"},
                      "span": {"class"}, **{tag: attrs for tag, attrs in RAW_HTML_TAGS.items() if attrs}}
# Link targets a lesson may have (lesson: links are resolved to site paths before cleaning).
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean_html(html: str) -> str:
    """Lesson HTML without scripts, event handlers, javascript: links or unknown tags."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel=None, strip_comments=True)


_SVG_DANGER = re.compile(r"<\s*(script|foreignObject|iframe|object|embed)\b|\son[a-z]+\s*=|javascript:"
                         r"|(?:xlink:)?href\s*=\s*[\"']\s*(?!#)", re.I)


def svg_problems(text: str) -> list[tuple[int, str]]:
    """(line, problem) for what a picture in a lesson must not have: scripts, event handlers,
    links out or embedded documents. The server inlines SVG files, so they are part of the page."""
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        match = _SVG_DANGER.search(line)
        if match:
            found.append((n, f"SVG picture must not contain {match.group(0).strip()!r} (scripts, event "
                             "handlers and links are not allowed in pictures)"))
    return found


_SVG_JUNK = re.compile(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", re.S)
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>", re.S)
_SIZE_ATTR = re.compile(r'\s(width|height)="[^"]*"')


def is_local(target: str) -> bool:
    """True for a file name in the lesson folder (no scheme, no folder, no dot-dot)."""
    return bool(target) and ":" not in target and "/" not in target and "\\" not in target \
        and not target.startswith(".")


def inline_svg(path: Path, label: str) -> str:
    """The SVG file as inline markup, labelled for screen readers, sized by CSS."""
    text = _SVG_JUNK.sub("", path.read_text(encoding="utf-8-sig")).strip()
    match = _SVG_OPEN.search(text)
    if not match:
        return ""
    attrs = _SIZE_ATTR.sub("", match.group(1))
    label = (label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;"))
    opening = f'<svg{attrs} role="img" aria-label="{label}" focusable="false">'
    return text[: match.start()] + opening + text[match.end():]


class _ResolveTreeprocessor(Treeprocessor):
    """Lesson links and pictures of the text being rendered: render_markdown sets `folder`,
    `item_id`, `links` and `pictures` (where inlined pictures go) before each text."""

    folder: Path
    item_id: str
    links: Links
    pictures: dict[str, str]

    def run(self, root: etree.Element) -> None:
        for el in root.iter("a"):
            href = el.get("href", "")
            if href.startswith("lesson:"):
                el.set("href", self.links.lesson_url(href[len("lesson:"):]))
        for el in list(root.iter("img")):
            src = el.get("src", "")
            if not is_local(src):
                continue
            path = self.folder / src
            if src.lower().endswith(".svg") and path.is_file():
                # Inline SVG: no extra request on a slow line, and it scales with the text. It is
                # put in after cleaning (the cleaner knows no SVG): a placeholder that no author
                # can forge (a fresh random key) marks its place.
                key = f"auylpic{secrets.token_hex(8)}"
                self.pictures[key] = inline_svg(path, el.get("alt", ""))
                el.tag, el.attrib = "span", {"class": "pic"}
                el.text = key
            else:
                el.set("src", self.links.asset_url(self.item_id, src))
                el.set("loading", "lazy")


class _ResolveExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's API name)
        md.treeprocessors.register(_ResolveTreeprocessor(md), "auyl_resolve", 5)


_THREAD = threading.local()


def _markdown() -> markdown.Markdown:
    """This thread's Markdown instance."""
    md = getattr(_THREAD, "markdown", None)
    if md is None:
        md = _THREAD.markdown = markdown.Markdown(extensions=["sane_lists", _ResolveExtension()])
    return md


def render_markdown(text: str, folder: Path, item_id: str, links: Links) -> str:
    """Block Markdown to clean HTML."""
    pictures: dict[str, str] = {}
    md = _markdown()
    resolve = md.treeprocessors["auyl_resolve"]
    resolve.folder, resolve.item_id, resolve.links, resolve.pictures = folder, item_id, links, pictures
    try:
        html = md.convert(text)
    finally:
        md.reset()  # Python-Markdown's way to reuse an instance: no link references or stashed HTML carried over
    html = clean_html(html)
    for key, svg in pictures.items():
        html = html.replace(f'<span class="pic">{key}</span>', f'<span class="pic">{svg}</span>', 1)
    return html


def render_inline(text: str, folder: Path, item_id: str, links: Links) -> str:
    """A line of Markdown (question, option, feedback) to HTML without the outer <p>."""
    html = render_markdown(text, folder, item_id, links)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html
