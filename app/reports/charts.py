"""SVG charts for the akimat's dashboard and printable report, drawn on the server.

Hand-built SVG strings rather than a chart library or JavaScript: nothing extra goes to village
phones and the same markup prints on A4. Every chart has a 640-unit viewBox and no width/height
(CSS scales it; text is >= 19 units: ~10 px on a 360 px phone); role="img" with an
aria-label and <title>, plus a <desc> giving the data as text, since role="img" hides the drawn
labels from screen readers; values written out and series told apart by shade *and* hatching,
so black-and-white prints still read; no ids, <style>, <script> or links, so several charts can
share a page under a strict Content-Security-Policy. The caller formats numbers for the locale;
floats here are only geometry.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise

from markupsafe import Markup, escape

W = 640
PAD = 8
# 22 units is ~11 px across a 360 px phone; print CSS can narrow the chart for ~12 pt on A4.
FONT, TITLE_FONT, SMALL_FONT = 22, 24, 19
LINE, TITLE_LINE = 27, 30  # baseline-to-baseline distances
BAR, PAIR_BAR = 30, 26  # bar thickness; a before/after pair is two PAIR_BARs 4 apart
INK, MUTED, WHITE = "#1a1a1a", "#595959", "#ffffff"  # MUTED still has 7:1 contrast on white
DARK = "#1f4e79"
# Stacked segments go dark -> light so they stay distinct in greyscale: (fill, hatch, text colour).
# A fifth category would repeat the first look; the charts here have three.
SEGMENTS = [(DARK, None, WHITE), ("#6fa3d8", None, INK), ("#dbe7f3", None, INK), (WHITE, None, INK)]
REMAINDER = ("#f2f2f2", "#c4c4c4", INK)  # "no answer": hatched grey, unlike any answer
BEFORE, AFTER = (WHITE, DARK), (DARK, None)  # before is hatched, after is solid
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class BarRow:
    label: str
    value: float | None
    value_text: str


@dataclass(frozen=True)
class PairRow:
    label: str
    before: float | None
    after: float | None
    before_text: str
    after_text: str


@dataclass(frozen=True)
class StackRow:
    label: str
    shares: list[float]
    total_text: str


def _clean(text: object) -> str:
    # XML 1.0 rejects control characters outright; line breaks would spoil one-line labels.
    return " ".join(_BAD_CHARS.sub("", str(text)).split())


def _num(value: float | None) -> float | None:
    # NaN/inf would poison the geometry; treat them as "no data".
    return float(value) if value is not None and math.isfinite(value) else None


def _n(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _est(text: str, size: int, em: float = 0.64) -> float:
    # Average advance of DejaVu Sans (wide; the usual print fallback): phone fonts get spare room.
    return len(text) * size * em


def _wrap(text: str, width: float, size: int, lines: int, em: float = 0.64) -> list[str]:
    chars = max(4, int(width / (size * em)))
    return textwrap.wrap(_clean(text), chars, max_lines=lines, placeholder="…") or [""]


def _mid(top: float, h: float, size: int = FONT) -> float:
    return top + h / 2 + size * 0.35  # baseline that centres digits and capitals in a band


def _text(x, y, text, *, size=FONT, anchor="start", fill=INK, extra="") -> str:
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}"{extra}>{escape(_clean(text))}</text>')


def _block(x, top, lines, *, size=FONT, line=LINE, extra="") -> str:
    """Lines of text whose box starts at `top`, one <tspan> per line."""
    spans = "".join(f'<tspan x="{_n(x)}" y="{_n(top + i * line + (line + size * 0.7) / 2)}">'
                    f"{escape(s)}</tspan>" for i, s in enumerate(lines))
    return f'<text font-size="{size}" fill="{INK}"{extra}>{spans}</text>'


def _box(x, y, w, h, fill, hatch=None) -> str:
    # Outlined so white and pale fills still show on paper. The hatch is a thick dashed line:
    # a <pattern> would need an id, and ids clash when a page holds several charts.
    rect = (f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}" '
            f'stroke="{INK}" stroke-width="1"/>')
    return rect + (_line(x, y + h / 2, x + w, y + h / 2, hatch, h - 1, "2 4") if hatch and w > 1 else "")


def _line(x1, y1, x2, y2, stroke=INK, width=1, dash="") -> str:
    dash = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" '
            f'stroke-width="{_n(width)}"{dash}/>')


def _svg(title: str, parts: list[str], height: float, desc: str = "") -> Markup:
    t = escape(_clean(title))
    desc_el = f"<desc>{escape(_clean(desc))}</desc>" if desc else ""
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {_n(height)}" '
                  f'role="img" aria-label="{t}" font-family="sans-serif"><title>{t}</title>'
                  f"{desc_el}{''.join(parts)}</svg>")


def _header(title: str, legend: Sequence[tuple[str, str | None, str]] = ()) -> tuple[list[str], float]:
    """The visible title (up to 3 lines) and a legend that wraps; returns parts and next free y."""
    lines = _wrap(title, W - 2 * PAD, TITLE_FONT, 3, em=0.7)  # bold is wider
    parts = [_block(PAD, PAD, lines, size=TITLE_FONT, line=TITLE_LINE, extra=' font-weight="bold"')]
    y: float = PAD + len(lines) * TITLE_LINE + 8
    if legend:
        x: float = PAD
        items: list[str] = []
        for fill, hatch, label in legend:
            label = _wrap(label, W - 2 * PAD - 24, SMALL_FONT, 1)[0]
            width = 24 + _est(label, SMALL_FONT)
            if x > PAD and x + width > W - PAD:  # next legend line
                x, y = PAD, y + LINE
            items.append(_box(x, y + (LINE - 18) / 2, 18, 18, fill, hatch)
                         + _text(x + 24, _mid(y, LINE, SMALL_FONT), label, size=SMALL_FONT))
            x += width + 16
        parts.append(f"<g>{''.join(items)}</g>")
        y += LINE + 8
    return parts, y


def _layout(labels: list[str], value_texts: list[str]) -> tuple[float, float, int]:
    """Label column sized to the labels (within limits), value column to the longest value."""
    label_w = min(230, max(110, max(_est(_clean(s), FONT) for s in labels) + 8))
    value_w = min(180, max([_est(_clean(s), FONT) for s in value_texts] + [40]) + 10)
    x0 = PAD + label_w + 8
    nlines = max(len(_wrap(s, label_w, FONT, 2)) for s in labels)
    return x0, W - PAD - value_w - x0, nlines


def _row(label: str, x0: float, top: float, row_h: float, body: str) -> str:
    """A row's group: full label in a <title> (tooltip), label shown on up to 2 lines, the drawing."""
    lines = _wrap(label, x0 - PAD - 8, FONT, 2)
    text = _block(PAD, top + (row_h - len(lines) * LINE) / 2, lines)
    return f"<g><title>{escape(_clean(label))}</title>{text}{body}</g>"


def _value_bar(x0, y, h, plot_w, scale, value, text, style) -> str:
    """One bar and its value text at the bar's end; no bar and muted text when value is None."""
    if value is None:  # italic as well as grey, so it reads as "no data" in print too
        return _text(x0 + 6, _mid(y, h), text, fill=MUTED, extra=' font-style="italic"')
    w = plot_w * min(1.0, max(0.0, value / scale))  # bars never leave the plot
    return _box(x0, y, w, h, *style) + _text(x0 + w + 6, _mid(y, h), text)


def _scale(given: float | None, values: list[float | None]) -> float:
    if given is not None and math.isfinite(given) and given > 0:
        return given
    return max([v for v in values if v is not None and v > 0], default=1.0)


def bar_chart(title: str, rows: list[BarRow], *, max_value: float | None = None,
              target: float | None = None, target_label: str = "") -> Markup:
    """Horizontal bars, one per row, with an optional dashed target line. The default scale is the
    largest value or the target, whichever is larger, so an unreached target is not drawn at the edge."""
    if not rows:
        return _svg(title, *_header(title))
    values, target = [_num(r.value) for r in rows], _num(target)
    scale = _scale(max_value, values + [target])
    texts = [r.value_text for r, v in zip(rows, values) if v is not None]
    x0, plot_w, nlines = _layout([r.label for r in rows], texts)
    row_h = nlines * LINE + 16
    parts, top = _header(title)
    if target is not None and target_label:
        top += LINE + 4  # room for the target's label above the rows
    for i, (row, value) in enumerate(zip(rows, values)):
        y = top + i * row_h
        bar = _value_bar(x0, y + (row_h - BAR) / 2, BAR, plot_w, scale, value, row.value_text, (DARK, None))
        parts.append(_row(row.label, x0, y, row_h, bar))
    bottom = top + len(rows) * row_h
    parts.append(_line(x0, top, x0, bottom))  # the zero line
    desc = "; ".join(f"{r.label}: {r.value_text}" for r in rows)
    if target is not None:
        tx = x0 + plot_w * min(1.0, max(0.0, target / scale))
        # A white halo under the dashes keeps the line visible where it crosses a dark bar.
        parts += ["<g>", _line(tx, top - 4, tx, bottom, WHITE, 5),
                  _line(tx, top - 4, tx, bottom, INK, 2, "6 4")]
        if target_label:
            text = _wrap(target_label, W - 2 * PAD, SMALL_FONT, 1)[0]
            half = _est(text, SMALL_FONT) / 2  # keep the label inside the picture near the edges
            anchor = "end" if tx + half > W - PAD else "start" if tx - half < PAD else "middle"
            parts.append(_text(tx, top - 10, text, size=SMALL_FONT, anchor=anchor))
            desc += f"; {target_label}"
        parts.append("</g>")
    return _svg(title, parts, bottom + PAD, desc)


def paired_bar_chart(title: str, rows: list[PairRow], *, before_label: str, after_label: str,
                     max_value: float = 1.0) -> Markup:
    """Two bars per row: before (white, hatched) above after (solid dark), with a legend."""
    if not rows:
        return _svg(title, *_header(title))
    pairs = [((_num(r.before), r.before_text), (_num(r.after), r.after_text)) for r in rows]
    scale = _scale(max_value, [v for pair in pairs for v, _ in pair])
    texts = [t for pair in pairs for v, t in pair if v is not None]
    x0, plot_w, nlines = _layout([r.label for r in rows], texts)
    row_h = max(nlines * LINE, 2 * PAIR_BAR + 4) + 16
    parts, top = _header(title, [(*BEFORE, before_label), (*AFTER, after_label)])
    for i, (row, (before, after)) in enumerate(zip(rows, pairs)):
        y = top + i * row_h
        bars_y = y + row_h / 2 - PAIR_BAR - 2
        bars = (_value_bar(x0, bars_y, PAIR_BAR, plot_w, scale, *before, BEFORE)
                + _value_bar(x0, bars_y + PAIR_BAR + 4, PAIR_BAR, plot_w, scale, *after, AFTER))
        parts.append(_row(row.label, x0, y, row_h, bars))
    bottom = top + len(rows) * row_h
    parts.append(_line(x0, top, x0, bottom))  # the zero line
    desc = "; ".join(f"{r.label}: {before_label} {r.before_text}, {after_label} {r.after_text}" for r in rows)
    return _svg(title, parts, bottom + PAD, desc)


def _percent(share: float) -> str:
    return f"{round(share * 100)}\u00a0%"  # ru/kk typography: non-breaking space before %


def stacked_share_chart(title: str, rows: list[StackRow], *, legend: list[str], remainder_label: str = "",
                        share_text: Callable[[float], str] = _percent) -> Markup:
    """One 100 % bar per row; what the shares leave to 1 is drawn as hatched grey "no answer".

    `remainder_label` (e.g. "no answer") adds the grey to the legend; `share_text` formats the
    in-segment labels, which appear only where the segment is wide enough to hold them."""
    if not rows:
        return _svg(title, *_header(title))
    styles = [SEGMENTS[i % len(SEGMENTS)] for i in range(max([len(legend)] + [len(r.shares) for r in rows]))]
    keys: list[tuple[str, str | None, str]] = [(fill, hatch, name) for (fill, hatch, _), name in zip(styles, legend)]
    if remainder_label:
        keys.append((*REMAINDER[:2], remainder_label))
    parts, top = _header(title, keys)
    x0, plot_w, nlines = _layout([r.label for r in rows], [r.total_text for r in rows])
    row_h = nlines * LINE + 16
    descs = []
    for i, row in enumerate(rows):
        y, bar_y = top + i * row_h, top + i * row_h + (row_h - BAR) / 2
        shares = [max(0.0, _num(s) or 0.0) for s in row.shares]
        total = sum(shares)
        shares = [s / total for s in shares] if total > 1 else shares  # never overflow the bar
        rest = max(0.0, 1.0 - sum(shares))
        # Edges are rounded once and the last is the bar's end, so widths add up to the bar.
        edges = [round(x0 + plot_w * min(1.0, a), 2) for a in accumulate([0.0] + shares)]
        edges.append(round(x0 + plot_w, 2))
        segs = []
        looks = styles[:len(shares)] + [REMAINDER]
        for (left, right), share, (fill, hatch, ink) in zip(pairwise(edges), shares + [rest], looks):
            if right <= left:
                continue  # a zero share draws nothing, not a stray outline
            segs.append(_box(left, bar_y, round(right - left, 2), BAR, fill, hatch))
            label = share_text(share)
            if _est(label, SMALL_FONT) + 8 <= right - left:
                segs.append(_text((left + right) / 2, _mid(bar_y, BAR, SMALL_FONT), label, size=SMALL_FONT,
                                  anchor="middle", fill=ink, extra=' font-weight="bold"'))
        segs.append(_text(x0 + plot_w + 6, _mid(bar_y, BAR), row.total_text))
        parts.append(_row(row.label, x0, y, row_h, "".join(segs)))
        named = [f"{name} {share_text(s)}" for name, s in zip(legend, shares)]
        if remainder_label and rest > 0.005:
            named.append(f"{remainder_label} {share_text(rest)}")
        descs.append(f"{row.label}: {', '.join(named + [row.total_text])}")
    return _svg(title, parts, top + len(rows) * row_h + PAD, "; ".join(descs))
