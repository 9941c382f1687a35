"""The mini chart on each card: years under the bars, the baseline and target named, tiny values visible."""

import xml.etree.ElementTree as ElementTree
from decimal import Decimal

from indicators.evaluation import REGRESSED, Point
from publications import minicharts, palette

SVG = "{http://www.w3.org/2000/svg}"
# 1-1-2 of the seed: H30 98人, R2 7人, R3 11人, target R6 640人.
MATCHING = {
    "code": "1-1-2",
    "name": "ボランティア登録者等のうち地域福祉活動へのマッチングを行った件数（年間）",
    "unit": "人",
    "baseline": Point(2018, Decimal(98)),
    "target": Point(2024, Decimal(640)),
    "actuals": {2020: Decimal(7), 2021: Decimal(11)},
    "grade": REGRESSED,
}


def chart(**overrides):
    return minicharts.mini_chart(**{**MATCHING, **overrides})


def test_each_bar_has_its_year_under_it_and_the_baseline_and_target_are_named():
    bars = chart().bars

    assert [(bar.year, bar.word) for bar in bars] == [("H30", "基準"), ("R2", ""), ("R3", ""), ("R6", "目標")]
    assert [bar.kind for bar in bars] == ["baseline", "actual", "actual", "target"]


def test_every_bar_carries_its_number():
    assert [bar.value for bar in chart().bars] == ["98", "7", "11", "640"]


def test_a_value_tiny_beside_the_target_still_gets_a_visible_bar():
    bars = {bar.year: bar for bar in chart().bars}

    # 7 of 640 would be 0.6 units of the 56-unit bar area: drawn at the minimum instead.
    assert bars["R2"].height == minicharts.MIN_BAR
    assert bars["R6"].height == minicharts.BOTTOM - minicharts.TOP
    assert bars["H30"].height == round(98 / 640 * (minicharts.BOTTOM - minicharts.TOP), 1)


def test_a_zero_has_no_bar_but_its_number():
    zero = next(bar for bar in chart(actuals={2020: Decimal(0)}).bars if bar.year == "R2")

    assert (zero.height, zero.value) == (0, "0")


def test_the_actuals_take_the_grade_colour_and_the_baseline_and_target_stay_neutral():
    fills = [bar.fill for bar in chart().bars]

    assert fills == [palette.GRID, "#D55E00", "#D55E00", palette.WHITE]


def test_the_chart_says_its_figures_in_words():
    assert chart().title == (
        "ボランティア登録者等のうち地域福祉活動へのマッチングを行った件数（年間）の推移: "
        "基準値（H30）98人、R2 7人、R3 11人、目標値（R6）640人"
    )


def test_negative_values_hang_below_the_zero_line():
    bars = chart(baseline=None, target=None, actuals={2020: Decimal(-5), 2021: Decimal(10)}).bars
    zero_y = chart(baseline=None, target=None, actuals={2020: Decimal(-5), 2021: Decimal(10)}).zero_y

    assert bars[0].y == zero_y and bars[1].y + bars[1].height == zero_y


def test_with_many_years_only_the_baseline_the_last_actual_and_the_target_carry_numbers():
    many = chart(
        actuals={fy: Decimal(fy - 2000) for fy in range(2010, 2024)}, target=Point(2030, Decimal(50))
    )

    labelled = [bar.year for bar in many.bars if bar.value]
    assert labelled == ["H30", "R5", "R12"]


def test_the_standalone_file_is_an_svg_with_a_title_and_real_text():
    root = ElementTree.fromstring(minicharts.mini_svg(chart()))

    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 300 118"
    assert root.find(f"{SVG}title").text.startswith("ボランティア登録者等")
    assert [text.text for text in root.iter(f"{SVG}text")][:3] == ["98", "H30", "基準"]


def test_a_mini_chart_is_drawn_once_per_process_for_the_same_content(
    kumamoto_plan, client, settings, monkeypatch
):
    from publications import minicharts as module
    from publications.templatetags import plan_tags

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # every request draws the page
    plan_tags.inline_mini_chart.cache_clear()
    drawn = []
    original = module.indicator_mini_chart
    monkeypatch.setattr(
        module, "indicator_mini_chart", lambda *args: drawn.append(args[0].code) or original(*args)
    )

    first = client.get("/plans/kumamoto-welfare-4/?fy=2021").content
    once = list(drawn)
    second = client.get("/plans/kumamoto-welfare-4/?fy=2021").content

    assert sorted(set(once)) == [
        "1-1-1",
        "1-1-2",
        "1-2-1",
        "2-1-1",
        "2-1-2",
        "2-2-1",
        "3-1-1",
        "3-1-2",
        "3-2-1",
        "3-3-1",
    ]
    assert drawn == once and first == second
