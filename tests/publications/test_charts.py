"""The dashboard charts: plain data in, inline SVG out, drawn once per distinct data."""

import io
import re
from decimal import Decimal as D

import pytest
from django.core.cache import caches
from django.test import override_settings
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text

from indicators.evaluation import ACHIEVED, BEHIND, NOT_EVALUATED, ON_TRACK, REGRESSED, Grade, Point
from plans.fiscal_years import short_label
from publications import charts

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


def indicator_svg(data=SUPPORT_CENTRE, **overrides) -> str:
    return charts.indicator_chart(
        name="「熊本市生活自立支援センター」の新規相談受付件数", **{**data, **overrides}
    )


SVGS = {
    "indicator": indicator_svg,
    "grades": lambda: charts.grade_summary_chart(KUMAMOTO_COUNTS, "成果指標の評価（令和3年度末）"),
    "bands": lambda: charts.grade_summary_chart(dict.fromkeys(FUKUOKA_BANDS, 1), "達成率の区分ごとの指標数"),
}


def drawn_texts(figure: Figure) -> list[Text]:
    figure.draw_without_rendering()  # creates the tick labels
    return [text for text in figure.findobj(Text) if text.get_visible() and text.get_text()]


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_on_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


# Drawing


@pytest.mark.filterwarnings("error")
def test_charts_with_japanese_text_render_without_any_warning_so_no_glyph_is_missing():
    for render in SVGS.values():
        assert render().startswith("<svg")


def test_a_missing_glyph_would_be_reported_as_a_warning():
    figure = Figure()
    figure.text(0, 0, "目標", fontfamily="DejaVu Sans")

    with pytest.warns(UserWarning, match="missing from font"):
        figure.savefig(io.StringIO(), format="svg")


@pytest.mark.parametrize("render", SVGS.values(), ids=SVGS.keys())
def test_the_svg_can_be_inlined_in_html(render):
    svg = render()

    assert svg.startswith("<svg ")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert "<text" not in svg  # glyphs are drawn as paths
    assert "<metadata" not in svg and "rdf:" not in svg and "dc:" not in svg
    assert "<style" not in svg  # matplotlib's `*{...}` rule would restyle the whole page
    assert "<!--" not in svg
    assert 'role="img"' in svg.split(">", 1)[0]


def test_the_title_comes_first_and_names_the_chart():
    svg = indicator_svg(title='新規相談受付件数 <年間> & "目標"')

    root, rest = svg.split(">", 1)
    assert 'aria-label="新規相談受付件数 &lt;年間&gt; &amp; &quot;目標&quot;"' in root
    assert rest.startswith('<title>新規相談受付件数 &lt;年間&gt; &amp; "目標"</title>')


def test_the_indicator_chart_is_titled_after_the_indicator_by_default():
    assert (
        "<title>「熊本市生活自立支援センター」の新規相談受付件数の実績値と目標値</title>" in indicator_svg()
    )


def test_the_size_is_given_in_css_pixels_so_the_page_can_scale_it():
    root = indicator_svg(width=400, height=260).split(">", 1)[0]

    assert 'width="400"' in root and 'height="260"' in root and 'viewBox="0 0 400 260"' in root


def test_two_charts_on_one_page_share_no_ids_and_each_resolves_its_own_references():
    first, second = indicator_svg(), indicator_svg(TRAINING)

    ids = [set(re.findall(r'\bid="([^"]+)"', svg)) for svg in (first, second)]
    assert not ids[0] & ids[1]
    for svg, own in zip((first, second), ids, strict=True):
        assert set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg)) <= own


def test_the_same_data_gives_the_same_svg():
    assert indicator_svg() == indicator_svg()


@pytest.mark.parametrize("data", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_every_kumamoto_like_case_renders(data):
    assert indicator_svg(data).startswith("<svg")


def test_a_value_far_above_the_target_stays_inside_the_chart():
    ax = charts._indicator_figure(**SUPPORT_CENTRE).axes[0]

    bottom, top = ax.get_ylim()
    assert bottom <= 0 and top > 5233 * 1.1  # room above the bar for its label
    assert bottom < 1200 < top and bottom < 484 < top


def test_zero_values_and_a_fall_below_the_baseline_stay_inside_the_chart():
    ax = charts._indicator_figure(**TRAINING).axes[0]

    bottom, top = ax.get_ylim()
    assert bottom == 0 and top > 70
    assert {text.get_text() for text in ax.texts} >= {"0", "1", "基準 46", "目標 70回"}


def test_values_below_zero_stay_inside_the_chart():
    bottom, top = charts._indicator_figure(**BELOW_ZERO).axes[0].get_ylim()

    assert bottom < -4 and top > 3


def test_the_axes_run_from_the_first_year_drawn_to_the_target_year():
    ax = charts._indicator_figure(**SUPPORT_FELT).axes[0]

    assert ax.get_xlim()[0] < 2020 and ax.get_xlim()[1] > 2024


def test_values_and_the_target_are_labelled_with_thousands_separators():
    texts = {text.get_text() for text in charts._indicator_figure(**SUPPORT_CENTRE).axes[0].texts}

    assert {"5,233", "3,894", "基準 484", "目標 1,200件"} <= texts


def test_values_are_labelled_as_written():
    texts = {text.get_text() for text in charts._indicator_figure(**SUPPORT_FELT).axes[0].texts}

    assert {"71.1", "45.9", "目標 100％"} <= texts


def test_years_are_labelled_in_the_short_japanese_era_form():
    ax = charts._indicator_figure(**SUPPORT_CENTRE).axes[0]

    labels = ax.xaxis.get_major_formatter().format_ticks(ax.get_xticks())
    assert labels == ["H30", "R1", "R2", "R3", "R4", "R5", "R6"]


def test_year_labels_may_be_given_as_a_mapping():
    ax = charts._indicator_figure(**SUPPORT_FELT, fy_labels={2020: "2020年度"}).axes[0]

    labels = ax.xaxis.get_major_formatter().format_ticks(ax.get_xticks())
    assert labels == ["2020年度", "R3", "R4", "R5", "R6"]  # years it leaves out keep the short form


def test_a_long_span_of_years_is_labelled_sparsely_enough_to_stay_legible():
    data = {**SUPPORT_CENTRE, "baseline": Point(2010, D("484")), "target": Point(2030, D("1200"))}

    assert len(charts._indicator_figure(**data).axes[0].get_xticks()) <= 8


def test_the_legend_names_the_grade_and_the_expected_pace_only_when_asked():
    def legend(**overrides):
        figure = charts._indicator_figure(**{**SUPPORT_CENTRE, **overrides})
        return [text.get_text() for text in figure.legends[0].get_texts()]

    assert legend() == ["実績（◎ 達成）", "目安（期間の経過）", "基準値", "目標"]
    assert "目安（期間の経過）" not in legend(expected_line=False)


def test_an_indicator_without_actuals_says_so():
    texts = [text.get_text() for text in charts._indicator_figure(**NO_ACTUAL_YET).axes[0].texts]

    assert "実績値はまだありません" in texts


# Grades and colours


def test_the_grade_chart_has_one_bar_per_grade_labelled_with_mark_word_and_count():
    ax = charts._grade_figure(KUMAMOTO_COUNTS).axes[0]

    assert len(ax.patches) == 5
    assert [label.get_text() for label in ax.get_yticklabels()] == [
        "◎ 達成",
        "○ 順調",
        "△ 遅れ",
        "× 後退",
        "－ 評価対象外",
    ]
    assert [text.get_text() for text in ax.texts] == ["1", "2", "0", "7", "0"]
    assert [bar.get_width() for bar in ax.patches] == [1, 2, 0, 7, 0]


def test_a_plans_own_bands_get_one_bar_each():
    ax = charts._grade_figure(dict.fromkeys(FUKUOKA_BANDS, 2)).axes[0]

    assert len(ax.patches) == 5
    assert ax.get_yticklabels()[2].get_text() == "△ やや遅れている"


FIGURES = {
    "indicator": lambda: charts._indicator_figure(**SUPPORT_CENTRE),
    "no_actual": lambda: charts._indicator_figure(**NO_ACTUAL_YET),
    "grades": lambda: charts._grade_figure(KUMAMOTO_COUNTS),
}


@pytest.mark.parametrize("figure", FIGURES.values(), ids=FIGURES.keys())
def test_all_text_has_a_contrast_of_at_least_4_5_to_1_on_the_white_background(figure):
    texts = drawn_texts(figure())

    assert texts
    for text in texts:
        assert contrast_on_white(to_hex(text.get_color())) >= 4.5, text.get_text()


def test_labels_are_large_enough_for_a_phone():
    # At the default width, a 343 px wide phone column shows the chart at 343/420 of its size.
    sizes = {text.get_fontsize() for text in drawn_texts(charts._indicator_figure(**SUPPORT_CENTRE))}

    assert min(sizes) * 343 / 420 >= 10


# Caching


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
