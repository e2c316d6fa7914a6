"""Markdown to HTML for lesson prose, with lesson links and pictures resolved.

A new `markdown.Markdown` is made for every call: instances keep state and are not
thread-safe. Content comes from the reviewed `content/` tree, so raw HTML is allowed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor


@dataclass(frozen=True)
class Links:
    """How the rendered HTML points to other lessons and to files of this lesson."""

    lesson_url: Callable[[str], str] = lambda lesson_id: f"/lesson/{lesson_id}"
    asset_url: Callable[[str, str], str] = lambda item_id, name: f"/asset/{item_id}/{name}"


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
    def __init__(self, md, folder: Path, item_id: str, links: Links):
        super().__init__(md)
        self.folder, self.item_id, self.links = folder, item_id, links

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
                # Inline SVG: no extra request on a slow line, and it scales with the text.
                svg = inline_svg(path, el.get("alt", ""))
                el.tag, el.attrib = "span", {"class": "pic"}
                el.text = self.md.htmlStash.store(svg)
            else:
                el.set("src", self.links.asset_url(self.item_id, src))
                el.set("loading", "lazy")


class _ResolveExtension(Extension):
    def __init__(self, folder: Path, item_id: str, links: Links):
        super().__init__()
        self.args = (folder, item_id, links)

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's API name)
        md.treeprocessors.register(_ResolveTreeprocessor(md, *self.args), "auyl_resolve", 5)


def render_markdown(text: str, folder: Path, item_id: str, links: Links) -> str:
    """Block Markdown to HTML."""
    md = markdown.Markdown(extensions=["sane_lists", _ResolveExtension(folder, item_id, links)])
    return md.convert(text)


def render_inline(text: str, folder: Path, item_id: str, links: Links) -> str:
    """A line of Markdown (question, option, feedback) to HTML without the outer <p>."""
    html = render_markdown(text, folder, item_id, links)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html
