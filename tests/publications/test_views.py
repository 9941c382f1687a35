import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_indicator, make_measure, make_narrative, make_plan, make_policy

SLUG = "kumamoto-welfare-4"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_home_page_shows_the_only_plan_with_its_philosophy_and_grade_summary(client, kumamoto_plan):
    content = page(client, "/")

    assert "だれもが「おたがいさま」で支え合う協働のまちづくり" in content
    assert "令和2年度（2020年度）～令和6年度（2024年度）" in content
    assert "令和3年度（2021年度）末" in content  # the latest year with actuals by default
    assert "基本方針Ⅲ 多様な主体の連携・協働の推進" in content
    assert "「熊本市生活自立支援センター」の新規相談受付件数（年間）" in content
    assert '<td class="num">7件</td>' in content  # × 後退: 7 indicators at FY2021


def test_the_fiscal_year_selector_shows_the_plan_as_it_stood_then(client, kumamoto_plan):
    content = page(client, f"/plans/{SLUG}/?fy=2020")

    assert "令和2年度（2020年度）末時点" in content
    assert "5,233件" in content  # 3-1-1's FY2020 actual
    assert '<td class="num">4件</td>' in content  # △ 4 and × 4 at FY2020


@pytest.mark.django_db
def test_the_home_page_lists_the_plans_when_there_are_several(client):
    make_plan(slug="a", title="計画A")
    make_plan(slug="b", title="計画B")

    content = page(client, "/")

    assert reverse("public:detail", args=["a"]) in content
    assert reverse("public:detail", args=["b"]) in content


def test_the_policy_page_shows_its_measures_indicators_and_narratives(client, kumamoto_plan):
    content = page(client, f"/plans/{SLUG}/policies/2/?fy=2021")

    assert "基本方針Ⅱ 支え合いの地域づくり" in content
    assert "住民に身近な地域での支え合い体制づくり" in content
    assert "※新型コロナウイルス対策として、活動助成の要件" in content
    assert "課題・改善事項・方針" in content
    assert "基本方針Ⅰ" not in content.split("<main")[1].split("基本方針Ⅱ")[0]


def test_narratives_of_later_years_are_not_shown_for_an_earlier_year(client, kumamoto_plan):
    content = page(client, f"/plans/{SLUG}/policies/3/?fy=2020")

    assert "令和2年度（2020年度）の取組状況" in content
    assert "令和3年度（2021年度）の取組状況" not in content


def test_the_indicator_page_explains_the_grade_in_plain_japanese(client, kumamoto_plan):
    content = page(client, f"/plans/{SLUG}/indicators/1-1-1/?fy=2021")

    assert "民生委員・児童委員、主任児童委員の定員充足率" in content
    assert "実績値92.43％が基準値95.1％より下がっているため「後退」です。" in content
    assert "92.4％" in content and "-54.5％" in content
    assert "平成30年度（2018年度）" in content  # the data table shows 和暦 and 西暦
    assert "令和6年度（2024年度）" in content


def test_an_indicator_without_a_baseline_says_what_it_is_measured_from(client, kumamoto_plan):
    content = page(client, f"/plans/{SLUG}/indicators/2-1-2/?fy=2021")

    assert "起点（基準値なし、令和2年度の実績値）" in content
    assert "最初の実績値71.1％より下がっているため「後退」です。" in content


def test_the_indicator_table_sorts_and_filters(client, kumamoto_plan):
    content = page(client, f"/plans/{SLUG}/indicators/?fy=2021&sort=-achievement")
    order = [code for code in ["3-1-1", "1-1-1", "3-3-1", "2-1-1"] if code in content]
    positions = [content.index(f">{code}<") for code in order]
    assert positions == sorted(positions)  # 324.5％, 92.4％, 87.1％, 82.5％

    on_track = page(client, f"/plans/{SLUG}/indicators/?fy=2021&grade=on-track")
    assert ">2-2-1<" in on_track and ">3-1-2<" in on_track
    assert ">1-1-1<" not in on_track

    policy_1 = page(client, f"/plans/{SLUG}/indicators/?policy=1")
    assert [code for code in ["1-1-1", "1-1-2", "1-2-1", "2-1-1"] if f">{code}<" in policy_1] == [
        "1-1-1",
        "1-1-2",
        "1-2-1",
    ]


@pytest.mark.parametrize(
    "url",
    [
        f"/plans/{SLUG}/?fy=abc",
        f"/plans/{SLUG}/?fy=2030",
        f"/plans/{SLUG}/indicators/1-1-1/?fy=<script>",
        f"/plans/{SLUG}/policies/1/?fy=１２３４",
        f"/plans/{SLUG}/indicators/?fy=20211",
    ],
)
def test_an_unknown_fiscal_year_is_a_400_with_a_japanese_message(client, kumamoto_plan, url):
    response = client.get(url)

    assert response.status_code == 400
    content = response.content.decode()
    assert "年度" in content
    assert "<script>" not in content


@pytest.mark.parametrize(
    "url",
    [
        f"/plans/{SLUG}/indicators/9-9-9/",
        f"/plans/{SLUG}/policies/9/",
        "/plans/nothing/",
        "/api/plans/nothing/",
    ],
)
def test_unknown_plans_policies_and_indicators_are_404(client, kumamoto_plan, url):
    assert client.get(url).status_code == 404


def test_the_csv_has_a_bom_and_round_trips_every_value_of_the_plan(client, kumamoto_plan):
    response = client.get(f"/plans/{SLUG}/data.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))

    values = {(r["code"], r["kind"], int(r["fiscal_year"])): Decimal(r["value"]) for r in rows}
    # 10 targets, 9 baselines (2-1-2 has none), 20 actuals
    assert len(rows) == 39
    assert values[("1-1-1", "baseline", 2018)] == Decimal("95.1")
    assert values[("1-1-1", "actual", 2021)] == Decimal("92.43")
    assert values[("3-1-1", "actual", 2020)] == Decimal("5233")
    assert values[("2-2-1", "baseline", 2019)] == Decimal("5")
    assert ("2-1-2", "baseline", 2018) not in values
    first = rows[0]
    assert (first["unit"], first["direction"], first["wareki"]) == ("％", "increase", "平成30年度")


def test_the_indicator_csv_has_only_that_indicator(client, kumamoto_plan):
    response = client.get(f"/plans/{SLUG}/indicators/3-3-1/data.csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["kind"], r["fiscal_year"], r["value"]) for r in rows] == [
        ("baseline", "2018", "1375"),
        ("actual", "2020", "1367"),
        ("actual", "2021", "1354"),
        ("target", "2024", "1555"),
    ]


def test_the_json_api_gives_the_whole_plan_with_evaluations(client, kumamoto_plan):
    data = json.loads(page(client, f"/api/plans/{SLUG}/?fy=2021"))

    assert data["fy"] == 2021
    indicator = data["policies"][0]["measures"][0]["indicators"][0]
    assert indicator["code"] == "1-1-1"
    assert indicator["baseline"] == {"fy": 2018, "value": 95.1}
    assert indicator["target"] == {"fy": 2024, "value": 100}
    assert indicator["actuals"] == {"2020": 91.8, "2021": 92.43}
    evaluation = indicator["evaluation"]
    assert evaluation["fy"] == 2021
    assert evaluation["achievement_rate"] == 92.43
    assert evaluation["progress_rate"] == -54.4898  # -2.67 / 4.9, to four places
    assert evaluation["expected_progress"] == 50
    assert evaluation["grade"] == {"mark": "×", "label": "後退"}
    assert set(evaluation["projection"]) == {"fy", "value", "meets_target"}
    no_baseline = data["policies"][1]["measures"][0]["indicators"][1]
    assert no_baseline["baseline"] is None
    assert no_baseline["evaluation"]["reference"] == {"fy": 2020, "value": 71.1, "is_baseline": False}
    narratives = data["policies"][1]["measures"][0]["narratives"]
    assert len(narratives) == 9
    assert narratives[2] == {
        "fy": 2020,
        "section": "initiatives",
        "indicator": None,
        "text": narratives[2]["text"],
    } and narratives[2]["text"].startswith("※")


def test_the_api_lists_plans(client, kumamoto_plan):
    data = json.loads(page(client, "/api/plans/"))

    assert [(p["slug"], p["start_fy"], p["end_fy"]) for p in data["plans"]] == [(SLUG, 2020, 2024)]
    assert data["plans"][0]["url"].endswith(f"/api/plans/{SLUG}/")


def test_the_api_refuses_an_unknown_year_with_a_json_message(client, kumamoto_plan):
    response = client.get(f"/api/plans/{SLUG}/?fy=1999")

    assert response.status_code == 400
    assert "1999年度はこの計画の期間" in json.loads(response.content)["error"]


def build_plan(indicator_count: int):
    plan = make_plan(slug=f"plan-{indicator_count}")
    for p in range(1, 4):
        policy = make_policy(plan, number=p)
        for m in range(1, 3):
            measure = make_measure(policy, number=m)
            make_narrative(measure, fiscal_year=2020, text=f"取組 {p}-{m}")
    measures = [m for policy in plan.policies.all() for m in policy.measures.all()]
    for n in range(indicator_count):
        make_indicator(
            measures[n % len(measures)],
            code=f"9-{n + 1}",
            baseline=(2018, "10"),
            target=(2024, "50"),
            actuals={2020: "20", 2021: str(20 + n % 7)},
        )
    return plan


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "public:detail",
        "public:policy",
        "public:indicators",
        "public:indicator",
        "public:api_plan",
        "public:csv",
    ],
)
def test_queries_per_page_do_not_grow_with_the_number_of_indicators(client, url_name):
    def url(plan):
        args = {"public:policy": [plan.slug, 1], "public:indicator": [plan.slug, "9-1"]}.get(
            url_name, [plan.slug]
        )
        return reverse(url_name, args=args)

    small, large = build_plan(10), build_plan(200)

    assert count_queries(client, url(small)) == count_queries(client, url(large))


def test_the_indicator_page_shows_only_narratives_on_that_indicator_or_its_whole_measure(
    client, kumamoto_plan
):
    own = page(client, f"/plans/{SLUG}/indicators/1-1-1/?fy=2021")
    shared = page(client, f"/plans/{SLUG}/indicators/2-1-2/?fy=2021")

    assert "書面審査を導入した。" in own  # 1-1-1's FY2020 initiative
    assert "市社協ホームページに登録フォームを作成した。" not in own  # 1-1-2's
    assert "ICTを利用した取り組みを加速させていく。" in shared  # measure 2-1 as a whole


@pytest.mark.parametrize("fy", [2020, 2021, 2024])
def test_the_json_validates_against_the_documented_schema(client, kumamoto_plan, fy):
    from pathlib import Path

    import jsonschema
    from django.conf import settings

    schema = json.loads(
        (Path(settings.BASE_DIR) / "docs" / "api-plan.schema.json").read_text(encoding="utf-8")
    )

    jsonschema.validate(json.loads(page(client, f"/api/plans/{SLUG}/?fy={fy}")), schema)


def test_charts_are_served_as_svg_and_redrawn_when_a_value_changes(client, kumamoto_plan):
    from indicators.models import IndicatorValue

    url = f"/plans/{SLUG}/indicators/3-1-1/chart.svg?fy=2021"
    first = client.get(url)
    assert first["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert first.content.decode().startswith("<svg")
    assert client.get(url).content == first.content

    values = IndicatorValue.objects.filter(indicator__code="3-1-1", fiscal_year=2021)
    values.update(value=Decimal("3900"))  # a draft: citizens still see the published chart
    assert client.get(url).content == first.content
    values.update(published_value=Decimal("3900"))

    assert client.get(url).content != first.content


def test_the_grade_chart_is_redrawn_when_the_grading_rule_changes(client, kumamoto_plan):
    from plans.models import GradeBand

    url = f"/plans/{SLUG}/grades.svg?fy=2021"
    before = client.get(url).content
    kumamoto_plan.grading_method = "achievement"
    kumamoto_plan.save()
    GradeBand.objects.create(plan=kumamoto_plan, position=1, min_rate=Decimal("100"), mark="◎", label="順調")
    GradeBand.objects.create(plan=kumamoto_plan, position=2, min_rate=None, mark="×", label="遅れている")

    after = client.get(url).content

    assert after != before
    assert "評価の内訳" in after.decode()


def test_pages_show_the_charts_with_text_alternatives(client, kumamoto_plan):
    plan_page = page(client, f"/plans/{SLUG}/?fy=2021")
    indicator_page = page(client, f"/plans/{SLUG}/indicators/1-1-1/?fy=2021")

    assert f'src="/plans/{SLUG}/grades.svg?fy=2021"' in plan_page
    assert "◎達成 1件、○順調 2件、△遅れ 0件、×後退 7件、－評価対象外 0件" in plan_page
    assert f'src="/plans/{SLUG}/indicators/1-1-1/mini.svg?fy=2021"' in plan_page
    assert f'src="/plans/{SLUG}/indicators/1-1-1/chart.svg?fy=2021"' in indicator_page
    assert "数値は下の表のとおりです。" in indicator_page


def test_the_excel_report_downloads_for_the_chosen_year(client, kumamoto_plan):
    import openpyxl

    response = client.get(f"/plans/{SLUG}/report.xlsx?fy=2020")

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}-2020.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["概要", "成果指標一覧"]
    assert client.get(f"/plans/{SLUG}/report.xlsx?fy=2031").status_code == 400


def test_plan_and_policy_pages_link_the_excel_report(client, kumamoto_plan):
    assert f'href="/plans/{SLUG}/report.xlsx?fy=2021"' in page(client, f"/plans/{SLUG}/")
    assert f'href="/plans/{SLUG}/report.xlsx?fy=2020"' in page(client, f"/plans/{SLUG}/policies/1/?fy=2020")


def test_the_plan_admin_action_downloads_the_report(client, kumamoto_plan, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", password="unused-password-2"))

    response = client.post(
        reverse("admin:plans_plan_changelist"),
        {"action": "download_report", "_selected_action": [kumamoto_plan.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}-2021.xlsx"'
