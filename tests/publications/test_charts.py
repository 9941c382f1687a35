"""The charts: plain data in, SVG out, laid out so that no label collides, drawn once per distinct data."""

import itertools
import xml.etree.ElementTree as ElementTree
from decimal import Decimal as D

import pytest
from django.core.cache import caches
from django.test import override_settings

from indicators.evaluation import ACHIEVED, BEHIND, NOT_EVALUATED, ON_TRACK, REGRESSED, Grade, Point
from plans.fiscal_years import short_label
from publications import charts
from publications.palette import GRID

# Kumamoto indicators at FY2021, as in the plan file.
SUPPORT_CENTRE = {  # 3-1-1: actuals far above the target
    "unit": "件",
    "baseline": Point(2018, D("484")),
    "target": Point(2024, D("1200")),
    "actuals": {2020: D("5233"), 2021: D("3894")},
    "grade": ACHIEVED,
}
TRAINING = {  # 1-2-1: a fall to zero
    "unit": "回",
    "baseline": Point(2018, D("46")),
    "target": Point(2024, D("70")),
    "actuals": {2020: D("0"), 2021: D("1")},
    "grade": REGRESSED,
}
SUPPORT_FELT = {  # 2-1-2: no baseline
    "unit": "％",
    "baseline": None,
    "target": Point(2024, D("100")),
    "actuals": {2020: D("71.1"), 2021: D("45.9")},
    "grade": REGRESSED,
}
NO_ACTUAL_YET = {
    "unit": "人",
    "baseline": Point(2018, D("96")),
    "target": Point(2024, D("390")),
    "actuals": {},
    "grade": NOT_EVALUATED,
}
NOTHING_YET = {"unit": "人", "baseline": None, "target": None, "actuals": {}, "grade": NOT_EVALUATED}
BELOW_ZERO = {
    "unit": "％",
    "baseline": Point(2018, D("-2.5")),
    "target": Point(2024, D("3")),
    "actuals": {2019: D("-4"), 2020: D("1.2")},
    "grade": BEHIND,
}
EDGE_CASES = {
    "far_above_target": SUPPORT_CENTRE,
    "fall_to_zero": TRAINING,
    "no_baseline": SUPPORT_FELT,
    "no_actual_yet": NO_ACTUAL_YET,
    "nothing_yet": NOTHING_YET,
    "below_zero": BELOW_ZERO,
}
KUMAMOTO_COUNTS = {ACHIEVED: 1, ON_TRACK: 2, BEHIND: 0, REGRESSED: 7, NOT_EVALUATED: 0}
FUKUOKA_BANDS = [
    Grade("◎", "順調"),
    Grade("○", "概ね順調"),
    Grade("△", "やや遅れている"),
    Grade("×", "遅れている"),
    NOT_EVALUATED,
]


SVG = "{http://www.w3.org/2000/svg}"
ONE_ONE_ONE = {  # 1-1-1: 95.1 ％ (H30), 91.8 and 92.43, target 100 ％ in R6; projected 88.8
    "unit": "％",
    "baseline": Point(2018, D("95.1")),
    "target": Point(2024, D("100")),
    "actuals": {2020: D("91.8"), 2021: D("92.43")},
    "grade": REGRESSED,
    "projection": Point(2024, D("88.8")),
}
TEN_YEARS = {  # a ten-year plan (2015-2024) from 2,946 in H25: twelve slots in 400 px
    "unit": "団体",
    "baseline": Point(2013, D("2946")),
    "target": Point(2024, D("3830")),
    "actuals": dict(
        zip(
            range(2015, 2025),
            map(D, ["2848", "3182", "2996", "3072", "3264", "3256", "3390", "3341", "3439", "3555"]),
            strict=True,
        )
    ),
    "grade": BEHIND,
    "projection": None,
}
SVGS = {
    "indicator": lambda: indicator_svg(),
    "grades": lambda: charts.grade_summary_chart(KUMAMOTO_COUNTS, "成果指標の評価（令和3年度末）"),
    "bands": lambda: charts.grade_summary_chart(dict.fromkeys(FUKUOKA_BANDS, 1), "達成率の区分ごとの指標数"),
}
LAYOUTS = {
    **{name: (lambda data=data: layout(data)) for name, data in EDGE_CASES.items()},
    "one_one_one": lambda: layout(ONE_ONE_ONE),
    "ten_years": lambda: layout(TEN_YEARS),
    "grades": lambda: charts.grade_summary_layout(KUMAMOTO_COUNTS, "評価"),
    "bands": lambda: charts.grade_summary_layout(dict.fromkeys(FUKUOKA_BANDS, 3), "評価"),
}


def indicator_svg(data=SUPPORT_CENTRE, **overrides) -> str:
    return charts.indicator_chart(
        name="「熊本市生活自立支援センター」の新規相談受付件数", **{**data, **overrides}
    )


def layout(data, **overrides) -> charts.Chart:
    return charts.indicator_layout(name="指標", **{**data, **overrides})


def texts(chart: charts.Chart) -> list[str]:
    return [label.text for label in chart.labels]


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# Drawing


@pytest.mark.parametrize("render", SVGS.values(), ids=SVGS.keys())
def test_the_svg_is_well_formed_can_be_inlined_and_names_itself(render):
    svg = render()
    root = ElementTree.fromstring(svg)

    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<style" not in svg and "<script" not in svg
    assert root[0].tag == f"{SVG}title" and root.get("aria-label") == root[0].text


def test_the_title_is_text_whatever_it_holds():
    svg = indicator_svg(title='新規相談受付件数 <年間> & "目標"')

    assert ElementTree.fromstring(svg).find(f"{SVG}title").text == '新規相談受付件数 <年間> & "目標"'


def test_the_indicator_chart_is_titled_after_the_indicator_by_default():
    assert (
        "<title>「熊本市生活自立支援センター」の新規相談受付件数の実績値と目標値</title>" in indicator_svg()
    )


def test_the_chart_has_a_view_box_so_the_page_can_scale_it():
    root = ElementTree.fromstring(indicator_svg())

    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.get("width") == "400"


def test_the_same_data_gives_the_same_svg():
    assert indicator_svg() == indicator_svg()


@pytest.mark.parametrize("data", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_every_kumamoto_like_case_renders(data):
    assert indicator_svg(data).startswith("<svg")


@pytest.mark.parametrize("name", LAYOUTS)
def test_no_label_collides_with_another_label(name):
    chart = LAYOUTS[name]()

    collisions = [
        (a.text, b.text) for a, b in itertools.combinations(chart.labels, 2) if overlaps(a.box, b.box)
    ]
    assert collisions == []


@pytest.mark.parametrize("name", LAYOUTS)
def test_no_label_is_struck_through_by_a_line_or_covered_by_a_bar(name):
    chart = LAYOUTS[name]()
    value_labels = [label for label in chart.labels if label.bold or label.text.replace(",", "").isdigit()]

    struck = [
        label.text
        for label in value_labels
        for line in chart.lines
        # the light grid runs behind the labels' white ground; every other line must keep clear of them
        if line.y1 == line.y2
        and line.stroke != GRID
        and overlaps(label.box, (line.x1, line.y1 - line.width / 2, line.x2, line.y2 + line.width / 2))
    ]
    covered = [
        label.text
        for label in value_labels
        for rect in chart.rects
        if overlaps(label.box, (rect.x, rect.y, rect.x + rect.width, rect.y + rect.height))
    ]
    assert (struck, covered) == ([], [])


@pytest.mark.parametrize("name", LAYOUTS)
def test_everything_stays_inside_the_chart(name):
    chart = LAYOUTS[name]()

    for label in chart.labels:
        left, top, right, bottom = label.box
        assert left >= 0 and right <= chart.width and top >= 0 and bottom <= chart.height, label.text
    for rect in chart.rects:
        assert rect.y >= 0 and rect.y + rect.height <= chart.height


def test_the_text_stays_at_least_12_css_pixels_on_a_375_pixel_phone():
    shown_width = 375 - 2 * 16  # the page's padding
    scale = shown_width / charts.WIDTH

    assert charts.FONT_SIZE * scale >= 12


def test_each_value_is_labelled_as_written_above_its_bar():
    chart = layout(ONE_ONE_ONE)

    assert [t for t in texts(chart) if (t[0].isdigit() and "." in t) or t == "100"][-5:] == [
        "95.1",
        "91.8",
        "92.43",
        "88.8",
        "100",
    ]


def test_values_and_the_target_are_labelled_with_thousands_separators():
    assert {"5,233", "3,894", "1,200", "484"} <= set(texts(layout(SUPPORT_CENTRE)))


def test_years_are_labelled_in_the_short_japanese_era_form_with_the_words_for_baseline_target_and_projection():
    labels = texts(layout(ONE_ONE_ONE))

    assert {"H30", "R1", "R2", "R3", "R4", "R5", "R6"} <= set(labels)
    assert {"基準", "見込み", "目標"} <= set(labels)


def test_a_rate_that_cannot_exceed_100_stops_the_axis_at_100():
    ticks = [t for t in texts(layout(ONE_ONE_ONE)) if t in {"0", "25", "50", "75", "100", "120"}]

    assert "120" not in ticks and charts.value_ticks([95.1, 92.43, 100], "％", False)[-1] == 100


def test_a_rate_that_may_exceed_100_keeps_its_headroom():
    assert charts.value_ticks([95.1, 110], "％", True)[-1] > 110


@pytest.mark.parametrize(
    ("low", "high", "ticks"),
    [
        (0, 5233, [0, 2000, 4000, 6000]),
        (0, 100, [0, 25, 50, 75, 100]),
        (-4, 3, [-4, -2, 0, 2, 4]),
        (0, 0, [0, 0.25, 0.5, 0.75, 1]),
    ],
)
def test_the_value_axis_has_round_ticks_from_zero_past_the_largest_value(low, high, ticks):
    assert charts.nice_ticks(low, high) == ticks


def test_a_value_tiny_beside_the_others_still_has_a_visible_bar():
    tiny = {**TRAINING, "actuals": {2020: D("0.001"), 2021: D("1")}}
    bars = layout(tiny).rects

    assert min(rect.height for rect in bars) >= charts.MIN_BAR


def test_the_actuals_take_the_grade_colour_the_baseline_grey_and_the_target_white():
    fills = [rect.fill for rect in layout(ONE_ONE_ONE).rects if rect.width > 14]

    assert fills == ["#d9d9d9", "#D55E00", "#D55E00", "#FFFFFF", "#FFFFFF"]


def test_the_expected_pace_marks_each_actual_only_when_asked():
    with_marks = layout(SUPPORT_CENTRE)
    without = layout(SUPPORT_CENTRE, expected_line=False)

    assert "目安（期間の経過）" in texts(with_marks) and "目安（期間の経過）" not in texts(without)
    # 484 (H30) to 1,200 (R6): 842.0 in R2 and 961.3 in R3, one mark across each bar.
    assert len([line for line in with_marks.lines if line.width == 3 and line.y1 > 40]) == 2


def test_an_indicator_without_actuals_says_so():
    assert "実績値はまだありません" in texts(layout(NO_ACTUAL_YET))
    assert "値がまだありません" in texts(layout(NOTHING_YET))


def test_the_grade_chart_has_one_bar_per_grade_labelled_with_mark_word_and_count():
    chart = charts.grade_summary_layout(KUMAMOTO_COUNTS, "評価")

    assert texts(chart) == ["◎ 達成", "1", "○ 順調", "2", "△ 遅れ", "0", "× 後退", "7", "－ 評価対象外", "0"]
    assert len(chart.rects) == 3  # no bar for a count of zero


@pytest.mark.parametrize("name", LAYOUTS)
def test_all_text_has_a_contrast_of_at_least_4_5_to_1_on_the_white_background(name):
    from publications.palette import contrast_ratio

    assert all(contrast_ratio(label.fill, "#FFFFFF") >= 4.5 for label in LAYOUTS[name]().labels)


@pytest.fixture
def local_cache():
    locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    with override_settings(CACHES={"default": locmem, "charts": locmem | {"LOCATION": "test-charts"}}):
        caches["charts"].clear()
        yield
        caches["charts"].clear()


class CountingRenderer:
    def __init__(self, data):
        self.data, self.calls = data, 0

    def __call__(self) -> str:
        self.calls += 1
        return indicator_svg(self.data)


def test_the_same_data_is_rendered_once(local_cache):
    render = CountingRenderer(SUPPORT_CENTRE)

    first = charts.cached_chart("indicator", SUPPORT_CENTRE, render)
    second = charts.cached_chart("indicator", dict(SUPPORT_CENTRE), render)

    assert render.calls == 1
    assert first == second and first.startswith("<svg")


def test_a_changed_value_is_rendered_again(local_cache):
    changed = {**SUPPORT_CENTRE, "actuals": {2020: D("5233"), 2021: D("3895")}}
    render = CountingRenderer(SUPPORT_CENTRE)
    render_changed = CountingRenderer(changed)

    first = charts.cached_chart("indicator", SUPPORT_CENTRE, render)
    second = charts.cached_chart("indicator", changed, render_changed)

    assert (render.calls, render_changed.calls) == (1, 1)
    assert first != second


@pytest.mark.parametrize(
    "change",
    [
        {"target": Point(2024, D("1300"))},
        {"target": Point(2025, D("1200"))},
        {"baseline": None},
        {"grade": ON_TRACK},
        {"unit": "人"},
        {"actuals": {2020: D("5233")}},
        {"title": "別の題"},
        {"width": 400},
    ],
    ids=["target_value", "target_year", "baseline", "grade", "unit", "fewer_actuals", "title", "size"],
)
def test_any_change_to_the_data_gives_a_new_key(change):
    assert charts.cache_key("indicator", {**SUPPORT_CENTRE, **change}) != charts.cache_key(
        "indicator", SUPPORT_CENTRE
    )


def test_the_key_depends_on_the_kind_of_chart_but_not_on_the_order_of_a_dict():
    reordered = dict(reversed(list(SUPPORT_CENTRE.items())))

    assert charts.cache_key("indicator", reordered) == charts.cache_key("indicator", SUPPORT_CENTRE)
    assert charts.cache_key("mini", SUPPORT_CENTRE) != charts.cache_key("indicator", SUPPORT_CENTRE)


def test_named_functions_are_keyed_by_name_and_anything_with_an_address_is_refused():
    assert charts.cache_key("x", {"fy_labels": short_label}) == charts.cache_key(
        "x", {"fy_labels": short_label}
    )
    with pytest.raises(TypeError):
        charts.cache_key("x", {"fy_labels": lambda fy: str(fy)})
    with pytest.raises(TypeError):
        charts.cache_key("x", object())


@pytest.mark.parametrize("text", [r"$\nosuchcmd$", "$x^2$ と $5", "50%$"])
def test_a_dollar_sign_in_a_name_or_unit_is_drawn_as_text_not_parsed_as_mathtext(text):
    svgs = [
        indicator_svg(unit=text),
        charts.indicator_chart(name=text, **SUPPORT_CENTRE),
    ]

    assert all("<svg" in svg[:500] for svg in svgs)


def test_on_a_crowded_axis_the_latest_actual_the_target_and_the_baseline_keep_their_year_labels():
    shown = texts(layout(TEN_YEARS))

    # R6 twice (the latest actual and the target) and H25 (the baseline); neighbours give way to them.
    assert shown.count("R6") == 2 and "H25" in shown and "3,555" in shown
    assert len([text for text in shown if text[:1] in "HR" and text[1:].isdigit()]) < 12
