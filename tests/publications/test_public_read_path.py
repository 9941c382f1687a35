"""What citizens read comes from one publication and nothing else, cheaply (publications/views.py).

The Kumamoto plan fixture publishes FY2020 and FY2021. The FY2021 figures used below are the FY2021 actuals of
fixtures/kumamoto_4th_plan.yaml: 1-1-1 92.43％, 3-1-1 3,894件, 2-1-2 45.9％, 3-3-1 1,354団体, and the FY2021
initiative of 1-1-1 「…ズームの使い方についての研修を実施した。」. The FY2020 publication was made from the same
working data, which held the FY2021 values too: none of them may reach it.
"""

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from indicators.models import Indicator, IndicatorValue
from publications import charts, publishing
from tests.factories import (
    empty_page_caches,
    make_measure,
    make_narrative,
    make_plan,
    make_policy,
    publish,
    shown,
)

SLUG = "kumamoto-welfare-4"
FY2021_NARRATIVE = "熊本市から主任児童委員に向けて、ズームの使い方についての研修を実施した。"
FY2021_ACTUALS = ["92.43", "3894", "45.9", "1354"]  # 1-1-1, 3-1-1, 2-1-2, 3-3-1
FY2021_ACTUALS_ON_A_PAGE = ["92.43％", "3,894件", "45.9％", "1,354団体"]
PUBLISHED_YEARS = "公表している年度: 令和2年度（2020年度）、令和3年度（2021年度）"


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response


def page_text(client, url) -> str:
    return get(client, url).content.decode()


def workbook_text(client, url) -> str:
    """Every cell value of every sheet of the downloaded workbook, one per line (a cell's own line breaks,
    where the report breaks a long Japanese text for print, taken out)."""
    workbook = load_workbook(io.BytesIO(get(client, url).content))
    return "\n".join(
        str(value).replace("\n", "")
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def shows(text: str, figure: str) -> bool:
    """Whether text holds figure as a number of its own (92.43, not 192.43 or 92.431)."""
    return re.search(rf"(?<![0-9.]){re.escape(figure)}(?![0-9])", text) is not None


# --- FY2020 holds nothing of FY2021 ----------------------------------------------------------------------

OUTPUTS = {
    "plan page": (lambda client, fy: page_text(client, f"/plans/{SLUG}/?fy={fy}"), FY2021_ACTUALS_ON_A_PAGE),
    "policy page": (
        lambda client, fy: page_text(client, f"/plans/{SLUG}/policies/1/?fy={fy}"),
        ["92.43％", FY2021_NARRATIVE],
    ),
    "indicator page": (
        lambda client, fy: page_text(client, f"/plans/{SLUG}/indicators/1-1-1/?fy={fy}"),
        ["92.43", FY2021_NARRATIVE],
    ),
    "JSON": (
        lambda client, fy: page_text(client, f"/api/plans/{SLUG}/?fy={fy}"),
        [*FY2021_ACTUALS, FY2021_NARRATIVE],
    ),
    "CSV": (lambda client, fy: page_text(client, f"/plans/{SLUG}/data.csv?fy={fy}"), FY2021_ACTUALS),
    "Excel report": (
        lambda client, fy: workbook_text(client, f"/plans/{SLUG}/report.xlsx?fy={fy}"),
        [*FY2021_ACTUALS, FY2021_NARRATIVE],
    ),
}


@pytest.mark.parametrize("output", OUTPUTS)
def test_the_fy2020_outputs_hold_no_fy2021_figure(client, kumamoto_plan, output):
    read, fy2021_figures = OUTPUTS[output]

    fy2021 = read(client, 2021)
    fy2020 = read(client, 2020)

    assert [figure for figure in fy2021_figures if not shows(fy2021, figure)] == []  # they are FY2021's
    assert [figure for figure in fy2021_figures if shows(fy2020, figure)] == []


def test_the_fy2020_json_has_no_actual_evaluation_or_narrative_of_a_later_year(client, kumamoto_plan):
    data = json.loads(page_text(client, f"/api/plans/{SLUG}/?fy=2020"))

    measures = [measure for policy in data["policies"] for measure in policy["measures"]]
    indicators = [indicator for measure in measures for indicator in measure["indicators"]]
    assert (data["fy"], data["publication"]["fy"]) == (2020, 2020)
    assert len(indicators) == 10
    assert {year for indicator in indicators for year in indicator["actuals"]} == {"2020"}
    assert {indicator["evaluation"]["fy"] for indicator in indicators} == {2020}
    assert {narrative["fy"] for measure in measures for narrative in measure["narratives"]} == {2020}


def test_the_fy2020_csv_has_no_actual_of_a_later_year(client, kumamoto_plan):
    text = page_text(client, f"/plans/{SLUG}/data.csv?fy=2020")

    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    # 10 targets (FY2024), 9 baselines (FY2018, FY2019), 10 actuals (FY2020)
    assert len(rows) == 29
    assert {row["fiscal_year"] for row in rows if row["kind"] == "actual"} == {"2020"}


def test_the_fy2020_excel_report_has_no_fy2021_column(client, kumamoto_plan):
    response = get(client, f"/plans/{SLUG}/report.xlsx?fy=2020")

    sheet = load_workbook(io.BytesIO(response.content))["成果指標一覧"]
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, row in enumerate(rows) if "コード" in row)
    header = rows[header_index]
    fy2020 = header.index("R2（2020）")
    indicators = [row for row in rows[header_index + 1 :] if row[0]]
    assert len(indicators) == 10
    assert Decimal(str(indicators[0][fy2020])) == Decimal("91.8")  # 1-1-1's FY2020 actual
    assert "R3（2021）" not in header


# --- A year with only drafts ---------------------------------------------------------------------------------


def offered_years(content: str) -> list[int]:
    selector = re.search(r'<select id="fy-select" name="fy">(.*?)</select>', content, re.S).group(1)
    return [int(year) for year in re.findall(r'<option value="(\d{4})"', selector)]


@pytest.fixture
def fy2022_drafts(kumamoto_plan):
    """FY2022 entered for 1-1-1 (97.6％ and one initiative) but not published."""
    indicator = Indicator.objects.get(plan=kumamoto_plan, code="1-1-1")
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2022, value=Decimal("97.6"))
    make_narrative(indicator.measure, fiscal_year=2022, text="令和4年度の下書きの取組", indicator=indicator)
    return kumamoto_plan


def test_a_year_with_only_drafts_is_not_offered_in_the_year_selector(client, fy2022_drafts):
    for url in [f"/plans/{SLUG}/", f"/plans/{SLUG}/policies/1/", f"/plans/{SLUG}/indicators/1-1-1/"]:
        content = page_text(client, url)
        assert offered_years(content) == [2020, 2021], url
        assert "令和3年度（2021年度）末時点" in content, url  # the latest published year
        assert "97.6" not in content and "令和4年度の下書きの取組" not in content, url
    assert json.loads(page_text(client, "/api/plans/"))["plans"][0]["published_years"] == [2020, 2021]
    assert "97.6" not in page_text(client, f"/api/plans/{SLUG}/")


NOT_PUBLISHED_URLS = [
    f"/plans/{SLUG}/?fy=2022",
    f"/plans/{SLUG}/policies/1/?fy=2022",
    f"/plans/{SLUG}/indicators/?fy=2022",
    f"/plans/{SLUG}/indicators/1-1-1/?fy=2022",
    f"/plans/{SLUG}/indicators/1-1-1/data.csv?fy=2022",
    f"/plans/{SLUG}/indicators/1-1-1/chart.svg?fy=2022",
    f"/plans/{SLUG}/data.csv?fy=2022",
    f"/plans/{SLUG}/report.xlsx?fy=2022",
    f"/api/plans/{SLUG}/?fy=2022",
]


def test_a_year_with_only_drafts_is_not_shown_but_a_404_naming_the_published_years(client, fy2022_drafts):
    for url in NOT_PUBLISHED_URLS:
        content = get(client, url, status=404).content.decode()

        if url.startswith("/api/"):
            content = json.loads(content)["error"]
        assert f"令和4年度（2022年度）の進捗状況はまだ公表されていません。{PUBLISHED_YEARS}" in content, url
        assert "97.6" not in content, url


# --- Few queries, no drawing, at any size ------------------------------------------------------------------


def plan_with_indicators(count: int):
    """A plan of 4 basic policies × 5 measures and `count` indicators dealt over the measures in turn (1-1-1,
    1-2-1, …), each with baseline 10 (FY2018), target 50 (FY2024) and actuals 20 (FY2020) and 25 (FY2021), and
    one initiative a measure; FY2021 published. Its files are left unbuilt: the pages read none."""
    plan = make_plan(slug=f"plan-{count}")
    policies = [make_policy(plan, number=p) for p in range(1, 5)]
    measures = [make_measure(policy, number=m) for policy in policies for m in range(1, 6)]
    for measure in measures:
        make_narrative(measure, fiscal_year=2021, text=f"取組{measure.policy.number}-{measure.number}の内容")
    indicators = Indicator.objects.bulk_create(
        Indicator(
            plan=plan,
            measure=measure,
            code=f"{measure.policy.number}-{measure.number}-{n // len(measures) + 1}",
            position=n,
            name=f"指標{n + 1}",
            unit="人",
            direction="increase",
            baseline_fy=2018,
            baseline_value=Decimal("10"),
            target_fy=2024,
            target_value=Decimal("50"),
        )
        for n, measure in ((n, measures[n % len(measures)]) for n in range(count))
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=indicator, fiscal_year=fy, value=Decimal(value))
        for indicator in indicators
        for fy, value in ((2020, "20"), (2021, "25"))
    )
    publishing.publish(None, plan, 2021)  # the files would be built once the test's transaction commits
    return plan


PAGES = {
    "plan": "/plans/{slug}/",
    "policy": "/plans/{slug}/policies/1/",
    "indicator": "/plans/{slug}/indicators/1-1-1/",
    "table": "/plans/{slug}/indicators/",
    "indicator CSV": "/plans/{slug}/indicators/1-1-1/data.csv",
    "JSON": "/api/plans/{slug}/",
}


class ChartDrawn(Exception):
    pass


@pytest.fixture
def drawing_refused(monkeypatch):
    def refuse(*args, **kwargs):
        raise ChartDrawn("a public page drew a chart")

    monkeypatch.setattr(charts.Chart, "svg", refuse)


@pytest.mark.django_db
def test_a_chart_drawn_while_drawing_is_refused_raises(drawing_refused):
    """So the test below can fail: a chart drawn on an empty chart cache reaches Chart.svg."""
    row = shown(plan_with_indicators(1), 2021).indicators[0]

    with pytest.raises(ChartDrawn):
        charts.indicator_svg(row.indicator, row.evaluation, [], 2021, actuals=row.actuals)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.parametrize("name", PAGES)
def test_each_public_page_runs_at_most_3_queries_and_draws_no_chart(
    client, django_assert_max_num_queries, drawing_refused, count, name
):
    plan = plan_with_indicators(count)
    url = PAGES[name].format(slug=plan.slug)
    empty_page_caches()

    with django_assert_max_num_queries(3):
        response = client.get(url)

    assert response.status_code == 200
    if name == "JSON":
        data = json.loads(response.content)
        assert sum(len(m["indicators"]) for p in data["policies"] for m in p["measures"]) == count
    if name == "plan":
        assert response.content.decode().count('class="indicator-card"') == count


# --- The page cache -----------------------------------------------------------------------------------------

KUMAMOTO_PAGES = [
    f"/plans/{SLUG}/",
    f"/plans/{SLUG}/policies/1/",
    f"/plans/{SLUG}/indicators/1-1-1/",
    f"/plans/{SLUG}/indicators/?sort=-achievement",
    f"/plans/{SLUG}/indicators/1-1-1/data.csv",
    f"/api/plans/{SLUG}/",
]


def with_param(url: str, param: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{param}"


def test_a_conditional_get_with_the_pages_etag_answers_304(client, kumamoto_plan):
    for url in KUMAMOTO_PAGES:
        first = get(client, url)
        etag = first["ETag"]

        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        other = client.get(url, HTTP_IF_NONE_MATCH='"an-etag-of-something-else"')

        assert re.fullmatch(r'"[0-9a-f]{32}"', etag), url
        assert first["Cache-Control"] == "public, no-cache", url
        assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag), url
        assert (other.status_code, other["ETag"]) == (200, etag), url


def test_a_correction_changes_the_etag_so_a_stale_copy_is_not_confirmed(client, kumamoto_plan):
    url = f"/plans/{SLUG}/?fy=2021"
    etag = get(client, url)["ETag"]
    IndicatorValue.objects.filter(indicator__code="1-1-1", fiscal_year=2021).update(value=Decimal("93"))
    publish(kumamoto_plan, 2021, reason="1-1-1の令和3年度の実績値を訂正")

    response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "93％" in response.content.decode()


def test_a_random_query_parameter_neither_bypasses_the_cache_nor_adds_an_entry(
    client, kumamoto_plan, django_assert_num_queries
):
    for url in KUMAMOTO_PAGES:
        empty_page_caches()
        plain = get(client, url)
        assert len(cache._cache) == 1, url

        with django_assert_num_queries(1):  # the publication's id: the page itself comes from the cache
            noisy = get(client, with_param(url, "z=123"))

        assert len(cache._cache) == 1, url
        assert noisy["ETag"] == plain["ETag"], url
        assert noisy.content == plain.content, url


def test_a_random_query_parameter_does_not_reach_the_page_the_cache_serves_to_everyone(client, kumamoto_plan):
    """The first request of a page fills the cache for every later one, so what it adds to the URL must not
    reach the page: here the sort links of the table would carry it to every citizen for a day."""
    for url in KUMAMOTO_PAGES:
        empty_page_caches()
        get(client, with_param(url, "z=123"))

        assert "z=123" not in page_text(client, url), url


# --- The publication's files ----------------------------------------------------------------------------------


def test_the_publications_chart_is_served_immutable_and_the_old_chart_addresses_redirect_to_it(
    client, kumamoto_plan
):
    files = f"/plans/{SLUG}/publications/2021-1/charts"

    chart = get(client, f"{files}/1-1-1.svg")

    assert chart["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert chart["Cache-Control"] == "public, max-age=31536000, immutable"
    assert chart.content.startswith(b"<svg")
    for old, new in [
        (f"/plans/{SLUG}/indicators/1-1-1/chart.svg", f"{files}/1-1-1.svg"),
        (f"/plans/{SLUG}/indicators/1-1-1/mini.svg", f"{files}/1-1-1-mini.svg"),
        (f"/plans/{SLUG}/grades.svg", f"{files}/grades.svg"),
        (
            f"/plans/{SLUG}/indicators/1-1-1/chart.svg?fy=2020",
            f"/plans/{SLUG}/publications/2020-1/charts/1-1-1.svg",
        ),
    ]:
        response = get(client, old, status=302)
        assert response["Location"] == new, old
        assert get(client, new)["Cache-Control"] == "public, max-age=31536000, immutable", new
