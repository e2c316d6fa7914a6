"""Server-drawn SVG charts: well-formed, accessible, escaped, and geometrically right."""

import math
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from app.reports.charts import BarRow, PairRow, StackRow, bar_chart, paired_bar_chart, stacked_share_chart

SVG = "{http://www.w3.org/2000/svg}"
NASTY = "A & <B> \"q\" 'x' — Жаңақұрылыс"


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def row_groups(root):
    """Each data row is a <g> whose <title> holds the full label; legends have no <title>."""
    return [g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None]


def rects(group):
    return group.findall(f"{SVG}rect")


def width(rect) -> float:
    return float(rect.get("width"))


def texts(element) -> list[str]:
    """Each <text>'s content; a label wrapped over <tspan> lines is joined back with a space."""
    return [" ".join(t.itertext()) for t in element.iter(f"{SVG}text")]


def view_height(root) -> float:
    return float(root.get("viewBox").split()[3])


SAMPLES = {
    "bar": lambda title, rows=True: bar_chart(
        title, [BarRow("Сапақ", 0.4, "40 %"), BarRow("Бөген", None, "мало данных")] if rows else [],
        target=0.5, target_label="Цель 50 %"),
    "paired": lambda title, rows=True: paired_bar_chart(
        title, [PairRow("Сапақ", 0.4, 0.8, "40 %", "80 %")] if rows else [],
        before_label="До", after_label="После"),
    "stacked": lambda title, rows=True: stacked_share_chart(
        title, [StackRow("Сапақ", [0.2, 0.5, 0.25], "n = 48")] if rows else [],
        legend=["нет", "только мобильный", "проводной"], remainder_label="нет ответа"),
}


@pytest.mark.parametrize("kind", SAMPLES)
@pytest.mark.parametrize("with_rows", [True, False])
def test_root_is_an_accessible_scalable_svg(kind, with_rows):
    svg = SAMPLES[kind](NASTY, with_rows)
    assert isinstance(svg, Markup)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == NASTY
    assert root.get("font-family") == "sans-serif"
    assert root.get("width") is None and root.get("height") is None
    x, y, w, h = (float(v) for v in root.get("viewBox").split())
    assert (x, y, w) == (0, 0, 640) and h > 0
    assert root[0].tag == f"{SVG}title" and root[0].text == NASTY


@pytest.mark.parametrize("kind", SAMPLES)
@pytest.mark.parametrize("with_rows", [True, False])
def test_no_ids_styles_scripts_or_links(kind, with_rows):
    svg = str(SAMPLES[kind]("Title", with_rows))
    for needle in ("id=", "<style", "<script", "href", "url(", "<image", "<use"):
        assert needle not in svg, needle
    for element in parse(svg).iter():
        assert not any(k == "id" or k.endswith("href") for k in element.attrib)


@pytest.mark.parametrize("kind", SAMPLES)
def test_markup_in_the_title_stays_text(kind):
    svg = str(SAMPLES[kind]('<script>alert(1)</script><a href="x">'))
    assert "<script" not in svg and "<a " not in svg
    tags = {el.tag.removeprefix(SVG) for el in parse(svg).iter()}
    assert tags <= {"svg", "title", "desc", "g", "text", "tspan", "rect", "line"}


@pytest.mark.parametrize("kind", SAMPLES)
def test_text_is_big_enough(kind):
    root = parse(SAMPLES[kind]("Title"))
    sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
    assert sizes and min(sizes) >= 12


def test_labels_and_values_round_trip_escaped():
    value_text = '<5 & "few"'
    svg = str(bar_chart(NASTY, [BarRow(NASTY, 0.5, value_text), BarRow("Бөген", None, "<нет> & данных")]))
    assert "<B>" not in svg and '<5 &' not in svg
    root = parse(svg)
    (first, second) = row_groups(root)
    assert first.find(f"{SVG}title").text == NASTY
    assert NASTY in texts(first) and value_text in texts(first)
    assert "<нет> & данных" in texts(second)


def test_control_characters_and_newlines_cannot_break_the_xml():
    svg = bar_chart("T\x00itle\x1b", [BarRow("line\none\x07", 1.0, "1\x0c")])
    root = parse(svg)
    assert root.get("aria-label") == "Title"
    assert row_groups(root)[0].find(f"{SVG}title").text == "line one"


def test_bar_widths_are_proportional_to_values():
    root = parse(bar_chart("T", [BarRow("max", 1.0, "100"), BarRow("quarter", 0.25, "25"),
                                 BarRow("half", 0.5, "50"), BarRow("zero", 0.0, "0")], max_value=1.0))
    full, quarter, half, zero = (rects(g)[0] for g in row_groups(root))
    assert width(full) > 100
    assert width(quarter) == pytest.approx(width(full) / 4, abs=0.02)
    assert width(half) == pytest.approx(width(full) / 2, abs=0.02)
    assert width(zero) == 0
    assert len({r.get("x") for r in (full, quarter, half, zero)}) == 1  # all start at the axis


def test_default_scale_is_the_largest_value_and_bars_stay_inside():
    root = parse(bar_chart("T", [BarRow("a", 8.0, "8"), BarRow("b", 2.0, "2"), BarRow("c", -3.0, "-3")]))
    a, b, c = (rects(g)[0] for g in row_groups(root))
    assert width(b) == pytest.approx(width(a) / 4, abs=0.02)
    assert width(c) == 0
    over = parse(bar_chart("T", [BarRow("a", 1.0, "1"), BarRow("b", 5.0, "5")], max_value=1.0))
    a, b = (rects(g)[0] for g in row_groups(over))
    assert width(b) == width(a)
    assert float(b.get("x")) + width(b) < 640


def test_none_and_nan_values_draw_no_bar_but_show_their_text_muted():
    root = parse(bar_chart("T", [BarRow("a", 0.5, "50 %"), BarRow("b", None, "not enough data"),
                                 BarRow("c", math.nan, "n/a")]))
    a, b, c = row_groups(root)
    assert len(rects(a)) == 1 and rects(b) == [] and rects(c) == []
    muted = b.find(f"{SVG}text[@font-style='italic']")
    assert muted is not None and muted.text == "not enough data"
    assert muted.get("fill") != rects(a)[0].get("fill")


def test_all_none_still_draws_a_valid_chart():
    root = parse(bar_chart("T", [BarRow("a", None, "—"), BarRow("b", 0.0, "0")]))
    assert [len(rects(g)) for g in row_groups(root)] == [0, 1]


def dashed_line(root):
    (line,) = [el for el in root.iter(f"{SVG}line") if el.get("stroke-dasharray")]
    assert line.get("x1") == line.get("x2")
    return float(line.get("x1"))


def test_target_line_sits_at_the_target_value():
    root = parse(bar_chart("T", [BarRow("a", 1.0, "100 %"), BarRow("b", 0.2, "20 %")],
                           target=0.5, target_label="Цель 50 %"))
    bar = rects(row_groups(root)[0])[0]
    x0 = float(bar.get("x"))
    assert dashed_line(root) == pytest.approx(x0 + width(bar) / 2, abs=0.02)
    assert "Цель 50 %" in texts(root)
    assert "Цель 50 %" in root.find(f"{SVG}desc").text


def test_an_unreached_target_sets_the_scale():
    root = parse(bar_chart("T", [BarRow("a", 0.25, "25 %")], target=0.5, target_label="50 %"))
    bar = rects(row_groups(root)[0])[0]
    x0 = float(bar.get("x"))
    assert width(bar) == pytest.approx((dashed_line(root) - x0) / 2, abs=0.02)
    assert dashed_line(root) < 640


def test_paired_bars_before_hatched_after_solid():
    root = parse(paired_bar_chart("T", [PairRow("Сапақ", 0.25, 1.0, "25 %", "100 %"),
                                        PairRow("Бөген", None, 0.5, "мало", "50 %")],
                                  before_label="Входной", after_label="Итоговый"))
    first, second = row_groups(root)
    before, after = rects(first)
    assert float(before.get("y")) < float(after.get("y"))
    assert width(before) == pytest.approx(width(after) / 4, abs=0.02)
    assert before.get("fill") != after.get("fill")
    assert first.find(f"{SVG}line[@stroke-dasharray]") is not None  # hatch, not colour alone
    assert {"25 %", "100 %"} <= set(texts(first))
    (only,) = rects(second)
    assert width(only) == pytest.approx(width(after) / 2, abs=0.02)
    assert "мало" in texts(second)
    assert {"Входной", "Итоговый"} <= set(texts(root))  # legend


def segments(group):
    return sorted(rects(group), key=lambda r: float(r.get("x")))


def test_stacked_segments_fill_the_bar_including_the_grey_remainder():
    root = parse(stacked_share_chart("T", [StackRow("full", [0.3, 0.3, 0.4], "n = 10"),
                                           StackRow("partial", [0.2, 0.5, 0.25], "n = 48"),
                                           StackRow("silent", [], "n = 0")],
                                     legend=["none", "mobile", "fixed"], remainder_label="no answer"))
    full, partial, silent = (segments(g) for g in row_groups(root))
    total = sum(width(r) for r in full)
    assert len(full) == 3 and len(partial) == 4 and len(silent) == 1
    for segs in (partial, silent):
        assert sum(width(r) for r in segs) == pytest.approx(total, abs=0.05)
        for left, right in zip(segs, segs[1:]):  # contiguous, no gaps or overlaps
            assert float(left.get("x")) + width(left) == pytest.approx(float(right.get("x")), abs=0.01)
    assert width(partial[3]) == pytest.approx(total * 0.05, abs=0.05)
    assert width(partial[1]) == pytest.approx(total * 0.5, abs=0.05)
    grey = partial[3].get("fill")
    assert grey == silent[0].get("fill") and grey not in {r.get("fill") for r in partial[:3]}
    assert {"none", "mobile", "fixed", "no answer"} <= set(texts(root))


def test_stacked_shares_over_one_are_scaled_to_fit():
    root = parse(stacked_share_chart("T", [StackRow("a", [1.0], "n"), StackRow("b", [0.8, 0.8], "n")],
                                     legend=["x", "y"]))
    a, b = (segments(g) for g in row_groups(root))
    assert [width(r) for r in b] == pytest.approx([width(a[0]) / 2] * 2, abs=0.02)


def test_stacked_labels_only_where_they_fit():
    root = parse(stacked_share_chart("T", [StackRow("a", [0.02, 0.9], "n = 50")], legend=["x", "y"],
                                     share_text=lambda s: f"{s:.0%}"))
    shown = texts(row_groups(root)[0])
    assert "90%" in shown and "2%" not in shown and "n = 50" in shown


def test_empty_rows_give_a_small_svg_with_just_the_title():
    for kind in SAMPLES:
        root = parse(SAMPLES[kind]("Нет данных & <пусто>", rows=False))
        assert view_height(root) < 100
        assert texts(root) == ["Нет данных & <пусто>"]
        assert not list(root.iter(f"{SVG}rect")) and not list(root.iter(f"{SVG}line"))


def test_height_grows_with_rows():
    def height(n):
        return view_height(parse(bar_chart("T", [BarRow(f"v{i}", i, str(i)) for i in range(n)])))
    assert height(1) < height(3) < height(10)


def test_long_labels_wrap_then_truncate_but_keep_the_full_text():
    label = "Очень длинное название сельского округа, которое никак не помещается в одну строку"
    group = row_groups(parse(bar_chart("T", [BarRow(label, 1.0, "1")])))[0]
    assert group.find(f"{SVG}title").text == label
    spans = [s.text for s in group.iter(f"{SVG}tspan")]
    assert len(spans) == 2 and spans[-1].endswith("…")
    assert len(" ".join(spans)) < len(label)


def test_desc_gives_the_data_as_text_for_screen_readers():
    root = parse(paired_bar_chart("T", [PairRow("Сапақ", 0.4, 0.8, "40 %", "80 %")],
                                  before_label="До", after_label="После"))
    assert root.find(f"{SVG}desc").text == "Сапақ: До 40 %, После 80 %"
