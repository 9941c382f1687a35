"""The public pages and downloads, every one read from a publication (publications/views.py).

Expected figures are worked out by hand from fixtures/kumamoto_4th_plan.yaml, e.g. 1-1-1 at FY2021:
達成率 92.43 / 100 = 92.43％; 進捗率 (92.43 − 95.1) / (100 − 95.1) = −2.67 / 4.9 = −54.4898％; below the
baseline → × 後退. The Kumamoto plan fixture publishes FY2020 and FY2021.
"""

import csv
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import IndicatorValue
from plans.models import GradeBand
from publications import publishing
from publications.artifacts import run_build
from publications.models import Publication
from tests.factories import (
    empty_page_caches,
    make_indicator,
    make_measure,
    make_narrative,
    make_plan,
    make_policy,
    make_staff,
    publish,
)

SLUG = "kumamoto-welfare-4"
READ_NO_YEAR = (
    "年度を読み取れません。1950～2100年度を、西暦（例: ?fy=2021）か和暦（例: ?fy=R3）で指定してください。"
)
PUBLISHED_YEARS = "公表している年度: 令和2年度（2020年度）、令和3年度（2021年度）"


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def published_plan(slug, title):
    plan = make_plan(slug=slug, title=title)
    make_indicator(make_measure(make_policy(plan)), actuals={2020: "10"})
    publish(plan, 2020)
    return plan


# --- Pages ---------------------------------------------------------------------------------------------


def test_the_home_page_shows_the_only_plan_with_its_philosophy_and_grade_summary(client, kumamoto_plan):
    content = page(client, "/")

    assert "だれもが「おたがいさま」で支え合う協働のまちづくり" in content
    assert "令和2年度（2020年度）～令和6年度（2024年度）" in content
    assert "令和3年度（2021年度）末" in content  # the latest published year by default
    assert "基本方針Ⅲ 多様な主体の連携・協働の推進" in content
    assert "「熊本市生活自立支援センター」の新規相談受付件数（年間）" in content
    assert '<td class="num">7件</td>' in content  # × 後退: 7 indicators at FY2021


def test_the_fiscal_year_selector_shows_the_plan_as_it_stood_then(client, kumamoto_plan):
    content = page(client, f"/plans/{SLUG}/?fy=2020")

    assert "令和2年度（2020年度）末時点" in content
    assert "5,233件" in content  # 3-1-1's FY2020 actual
    assert '<td class="num">4件</td>' in content  # △ 4 and × 4 at FY2020


@pytest.mark.django_db
def test_the_home_page_lists_the_published_plans_when_there_are_several(client):
    published_plan("a", "計画A")
    published_plan("b", "計画B")
    unpublished = make_plan(slug="c", title="計画C")
    make_indicator(make_measure(make_policy(unpublished)), actuals={2020: "10"})

    content = page(client, "/")

    assert reverse("public:detail", args=["a"]) in content
    assert reverse("public:detail", args=["b"]) in content
    assert reverse("public:detail", args=["c"]) not in content
    assert "計画C" not in content


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


def test_the_indicator_page_shows_only_narratives_on_that_indicator_or_its_whole_measure(
    client, kumamoto_plan
):
    own = page(client, f"/plans/{SLUG}/indicators/1-1-1/?fy=2021")
    shared = page(client, f"/plans/{SLUG}/indicators/2-1-2/?fy=2021")

    assert "書面審査を導入した。" in own  # 1-1-1's FY2020 initiative
    assert "市社協ホームページに登録フォームを作成した。" not in own  # 1-1-2's
    assert "ICTを利用した取り組みを加速させていく。" in shared  # measure 2-1 as a whole


def test_plan_and_policy_pages_link_the_excel_report(client, kumamoto_plan):
    assert f'href="/plans/{SLUG}/report.xlsx?fy=2021"' in page(client, f"/plans/{SLUG}/")
    assert f'href="/plans/{SLUG}/report.xlsx?fy=2020"' in page(client, f"/plans/{SLUG}/policies/1/?fy=2020")


# --- Years: only published ones ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/plans/{SLUG}/?fy=abc",
        f"/plans/{SLUG}/indicators/1-1-1/?fy=<script>",
        f"/plans/{SLUG}/policies/1/?fy=１２３４",
        f"/plans/{SLUG}/indicators/?fy=20211",
        f"/plans/{SLUG}/?fy=0000",
    ],
)
def test_a_fiscal_year_that_cannot_be_read_is_a_400_with_a_japanese_message(client, kumamoto_plan, url):
    response = client.get(url)

    assert response.status_code == 400
    content = response.content.decode()
    assert READ_NO_YEAR in content
    assert "script" not in content.split("<main", 1)[1].split("</main>", 1)[0] and "0年度の" not in content


def test_a_fiscal_year_may_be_asked_for_as_the_commands_read_it(client, kumamoto_plan):
    western = client.get(f"/plans/{SLUG}/?fy=2020")

    for spelling in ("R2", "令和2年度", "２０２０"):
        response = client.get(f"/plans/{SLUG}/?fy={spelling}")
        assert response.status_code == 200, spelling
        assert response["ETag"] == western["ETag"], spelling


@pytest.mark.parametrize(
    "url",
    [
        f"/plans/{SLUG}/?fy=2019",  # before the plan
        f"/plans/{SLUG}/policies/1/?fy=2022",  # in the plan, not yet published
        f"/plans/{SLUG}/indicators/?fy=2030",  # after the plan
        f"/plans/{SLUG}/indicators/1-1-1/?fy=2022",
        f"/plans/{SLUG}/data.csv?fy=2022",
        f"/plans/{SLUG}/report.xlsx?fy=2022",
    ],
)
def test_a_year_without_a_publication_is_a_404_naming_the_published_years(client, kumamoto_plan, url):
    response = client.get(url)

    assert response.status_code == 404
    content = response.content.decode()
    assert "の進捗状況はまだ公表されていません。" in content
    assert PUBLISHED_YEARS in content


@pytest.mark.django_db
def test_a_plan_with_nothing_published_is_a_404_saying_so(client):
    plan = make_plan(slug="drafts-only")
    make_indicator(make_measure(make_policy(plan)), actuals={2020: "10"})

    for url in ["/plans/drafts-only/", "/plans/drafts-only/?fy=2020", "/api/plans/drafts-only/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "この計画はまだ公表されていません。" in response.content.decode(), url


@pytest.mark.parametrize(
    "url",
    [
        f"/plans/{SLUG}/indicators/9-9-9/",
        f"/plans/{SLUG}/indicators/9-9-9/data.csv",
        f"/plans/{SLUG}/indicators/9-9-9/chart.svg",
        f"/plans/{SLUG}/policies/9/",
        "/plans/nothing/",
        "/plans/nothing/data.csv",
        "/api/plans/nothing/",
        f"/plans/{SLUG}/publications/2022-1/",
        f"/plans/{SLUG}/publications/2021-2/data.csv",
    ],
)
def test_unknown_plans_policies_indicators_and_publications_are_404(client, kumamoto_plan, url):
    assert client.get(url).status_code == 404


# --- Downloads ---------------------------------------------------------------------------------------------


def test_the_csv_has_a_bom_and_round_trips_every_value_of_the_plan(client, kumamoto_plan):
    response = client.get(f"/plans/{SLUG}/data.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}-2021.csv"'
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

    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}-3-3-1-2021.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["kind"], r["fiscal_year"], r["value"]) for r in rows] == [
        ("baseline", "2018", "1375"),
        ("actual", "2020", "1367"),
        ("actual", "2021", "1354"),
        ("target", "2024", "1555"),
    ]


def test_the_excel_report_downloads_for_the_chosen_year(client, kumamoto_plan):
    import openpyxl

    response = client.get(f"/plans/{SLUG}/report.xlsx?fy=2020")

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{SLUG}-2020.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["概要", "成果指標一覧"]
    assert client.get(f"/plans/{SLUG}/report.xlsx?fy=2031").status_code == 404  # never published
    assert client.get(f"/plans/{SLUG}/report.xlsx?fy=R3x").status_code == 400


def test_the_publication_page_links_its_excel_report_csv_and_json(client, kumamoto_plan):
    import openpyxl

    content = page(client, f"/plans/{SLUG}/publications/2021-1/")

    files = f"/plans/{SLUG}/publications/2021-1/"
    for name in ["report.xlsx", "data.csv", "data.json"]:
        assert f'href="{files}{name}"' in content
    report = client.get(f"{files}report.xlsx")
    assert report.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(report.content)).sheetnames[:2] == ["概要", "成果指標一覧"]


@pytest.mark.django_db
def test_a_file_not_yet_built_answers_503_with_retry_after(client):
    plan = make_plan(slug="being-built")
    make_indicator(make_measure(make_policy(plan)), actuals={2020: "10"})
    publishing.publish(None, plan, 2020)  # its files are built once the transaction commits: never, here

    response = client.get("/plans/being-built/data.csv?fy=2020")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "作成しているところです" in response.content.decode()


def test_a_chart_the_publication_does_not_have_is_a_404_not_a_file_being_built(client, kumamoto_plan):
    """The build is done: a name it did not make will never exist, and "try again later" would be untrue."""
    response = client.get(f"/plans/{SLUG}/publications/2021-1/charts/9-9-9.svg")

    assert response.status_code == 404


# --- JSON API ----------------------------------------------------------------------------------------------


def test_the_json_api_gives_the_whole_plan_with_evaluations(client, kumamoto_plan):
    data = json.loads(page(client, f"/api/plans/{SLUG}/?fy=2021"))

    assert data["fy"] == 2021
    assert data["policies"][0]["measures"][0]["code"] == "1-1"
    indicator = data["policies"][0]["measures"][0]["indicators"][0]
    assert indicator["code"] == "1-1-1"
    assert indicator["tolerance"] == 0
    assert indicator["baseline"] == {"fy": 2018, "value": 95.1}
    assert indicator["target"] == {"fy": 2024, "value": 100}
    assert indicator["actuals"] == {"2020": 91.8, "2021": 92.43}
    evaluation = indicator["evaluation"]
    assert evaluation["fy"] == 2021
    assert evaluation["actual"] == 92.43
    assert evaluation["achievement_rate"] == 92.4  # 92.43, rounded once as it is graded
    assert evaluation["progress_rate"] == -54.5  # -2.67 / 4.9 = -54.49…
    assert evaluation["expected_progress"] == 50
    assert evaluation["grade"] == {"mark": "×", "label": "後退"}
    assert evaluation["reason"] == "実績値92.43％が基準値95.1％より下がっているため「後退」です。"
    assert set(evaluation["projection"]) == {"fy", "value", "meets_target"}
    no_baseline = data["policies"][1]["measures"][0]["indicators"][1]
    assert no_baseline["baseline"] is None
    assert no_baseline["evaluation"]["reference"] == {"fy": 2020, "value": 71.1, "is_baseline": False}
    narratives = data["policies"][1]["measures"][0]["narratives"]
    assert len(narratives) == 9
    assert narratives[2] == {
        "fy": 2020,
        "section": "initiatives",
        "position": 3,
        "indicator": None,
        "text": narratives[2]["text"],
        "text_en": "",  # the narratives of the Kumamoto plan are in Japanese only
    } and narratives[2]["text"].startswith("※")


def test_the_json_names_the_publication_it_serves_and_serves_it_as_stored(client, kumamoto_plan):
    stored = Publication.objects.get(plan=kumamoto_plan, fiscal_year=2020, number=1)

    response = client.get(f"/api/plans/{SLUG}/?fy=2020")

    data = json.loads(response.content)
    meta = data.pop("publication")
    assert {key: meta[key] for key in ["fy", "number", "note", "is_correction"]} == {
        "fy": 2020,
        "number": 1,
        "note": "計画ファイルから読み込み",
        "is_correction": False,
    }
    assert meta["content_sha256"] == hashlib.sha256(stored.content.encode()).hexdigest()
    # as docs/api.md tells a developer to check it: the rest of the response, written back as it was stored
    rest = json.dumps(data, ensure_ascii=False, indent=2)
    assert hashlib.sha256(rest.encode()).hexdigest() == meta["content_sha256"]
    assert meta["published_at"].endswith("+09:00")  # Japan time
    assert data == json.loads(stored.content)
    assert data["schema_version"] == 1
    assert data["grading"] == {"method": "pace", "bands": []}
    assert client.get(f"/plans/{SLUG}/publications/2020-1/data.json").content == response.content


def test_a_correction_is_what_the_year_shows_from_then_on_and_the_first_stays_readable(client, kumamoto_plan):
    IndicatorValue.objects.filter(indicator__code="1-1-1", fiscal_year=2021).update(value=Decimal("93"))
    publish(kumamoto_plan, 2021, reason="1-1-1の令和3年度の実績値の誤りを訂正")

    data = json.loads(page(client, f"/api/plans/{SLUG}/?fy=2021"))
    plan_page = page(client, f"/plans/{SLUG}/?fy=2021")
    first = page(client, f"/plans/{SLUG}/publications/2021-1/")

    assert data["publication"]["number"] == 2
    assert data["publication"]["is_correction"] is True
    assert data["publication"]["note"] == "1-1-1の令和3年度の実績値の誤りを訂正"
    assert data["policies"][0]["measures"][0]["indicators"][0]["actuals"]["2021"] == 93
    assert f'href="/plans/{SLUG}/publications/2021-2/">第2版・訂正あり</a>' in plan_page
    assert "93％" in plan_page and "92.43％" not in plan_page
    assert "令和3年度（2021年度） 第1版" in first


def test_the_api_lists_the_published_plans_with_their_published_years(client, kumamoto_plan):
    drafts_only = make_plan(slug="drafts-only")
    make_indicator(make_measure(make_policy(drafts_only)), actuals={2020: "10"})

    data = json.loads(page(client, "/api/plans/"))

    assert [(p["slug"], p["start_fy"], p["end_fy"], p["published_years"]) for p in data["plans"]] == [
        (SLUG, 2020, 2024, [2020, 2021])
    ]
    assert data["plans"][0]["url"] == f"http://testserver/api/plans/{SLUG}/"


def test_the_api_answers_a_bad_or_unpublished_year_with_a_json_message(client, kumamoto_plan):
    malformed = client.get(f"/api/plans/{SLUG}/?fy=R3x")
    unpublished = client.get(f"/api/plans/{SLUG}/?fy=1999")

    assert malformed.status_code == 400
    assert json.loads(malformed.content)["error"] == READ_NO_YEAR
    assert unpublished.status_code == 404
    assert json.loads(unpublished.content)["error"] == (
        f"平成11年度（1999年度）の進捗状況はまだ公表されていません。{PUBLISHED_YEARS}"
    )


@pytest.mark.parametrize("fy", [2020, 2021])
def test_the_json_validates_against_the_documented_schema(client, kumamoto_plan, fy):
    import jsonschema

    schema = json.loads(
        (Path(settings.BASE_DIR) / "docs" / "api-plan.schema.json").read_text(encoding="utf-8")
    )

    jsonschema.validate(json.loads(page(client, f"/api/plans/{SLUG}/?fy={fy}")), schema)


def test_the_json_of_a_plan_graded_by_achievement_validates_against_the_schema(client, kumamoto_plan):
    """Bands exist only for the achievement method, and the last one has no lower bound (null)."""
    import jsonschema

    kumamoto_plan.grading_method = "achievement"
    kumamoto_plan.save()
    GradeBand.objects.create(plan=kumamoto_plan, position=1, min_rate=Decimal("100"), mark="◎", label="達成")
    GradeBand.objects.create(plan=kumamoto_plan, position=2, min_rate=None, mark="×", label="未達成")
    publish(kumamoto_plan, 2021, reason="評価方法を達成率に変更")
    schema = json.loads(
        (Path(settings.BASE_DIR) / "docs" / "api-plan.schema.json").read_text(encoding="utf-8")
    )

    data = json.loads(page(client, f"/api/plans/{SLUG}/?fy=2021"))

    assert data["grading"] == {
        "method": "achievement",
        "bands": [
            {"min_rate": 100, "mark": "◎", "label": "達成"},
            {"min_rate": None, "mark": "×", "label": "未達成"},
        ],
    }
    jsonschema.validate(data, schema)


# --- Queries -----------------------------------------------------------------------------------------------


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
    for fy in (2020, 2021):
        publishing.publish(None, plan, fy)  # pages read no file: the files are left unbuilt
    return plan


def count_queries(client, url) -> int:
    empty_page_caches()
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
        "public:indicator_csv",
        "public:api_plan",
        "public:csv",
    ],
)
def test_queries_per_page_do_not_grow_with_the_number_of_indicators(client, url_name):
    def url(plan):
        args = {
            "public:policy": [plan.slug, 1],
            "public:indicator": [plan.slug, "9-1"],
            "public:indicator_csv": [plan.slug, "9-1"],
        }.get(url_name, [plan.slug])
        return reverse(url_name, args=args)

    small, large = build_plan(10), build_plan(200)
    if url_name == "public:csv":  # a file of the publication: build the files, with stand-in charts
        with mock.patch("publications.charts.indicator_svg", return_value="<svg/>"):
            for publication in Publication.objects.filter(fiscal_year=2021).select_related("build"):
                run_build(publication.build)

    assert count_queries(client, url(small)) == count_queries(client, url(large))


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/api/plans/"])
def test_the_lists_of_plans_run_as_many_queries_for_three_plans_as_for_two(client, url):
    published_plan("a", "計画A")
    published_plan("b", "計画B")
    two = count_queries(client, url)  # with one plan, the home page is that plan's page
    published_plan("c", "計画C")

    assert count_queries(client, url) == two


# --- Charts: the publication's files ------------------------------------------------------------------------


def test_the_old_chart_address_leads_to_the_publications_chart_which_only_a_correction_replaces(
    client, kumamoto_plan
):
    url = f"/plans/{SLUG}/indicators/3-1-1/chart.svg?fy=2021"
    first = client.get(url)
    assert first.status_code == 302
    assert first["Location"] == f"/plans/{SLUG}/publications/2021-1/charts/3-1-1.svg"
    chart = client.get(first["Location"])
    assert chart["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert chart.content.decode().startswith("<svg")

    values = IndicatorValue.objects.filter(indicator__code="3-1-1", fiscal_year=2021)
    values.update(value=Decimal("3900"))  # a draft: citizens still see the published chart
    assert client.get(url)["Location"] == first["Location"]
    assert client.get(first["Location"]).content == chart.content

    publish(kumamoto_plan, 2021, reason="3-1-1の令和3年度の実績値を訂正")

    corrected = client.get(url)
    assert corrected["Location"] == f"/plans/{SLUG}/publications/2021-2/charts/3-1-1.svg"
    assert client.get(corrected["Location"]).content != chart.content
    assert client.get(first["Location"]).content == chart.content  # the first publication's, for ever


def test_the_grade_chart_is_redrawn_when_a_new_grading_rule_is_published(client, kumamoto_plan):
    url = f"/plans/{SLUG}/grades.svg?fy=2021"
    before = client.get(client.get(url)["Location"]).content
    kumamoto_plan.grading_method = "achievement"
    kumamoto_plan.save()
    GradeBand.objects.create(plan=kumamoto_plan, position=1, min_rate=Decimal("100"), mark="◎", label="順調")
    GradeBand.objects.create(plan=kumamoto_plan, position=2, min_rate=None, mark="×", label="遅れている")
    assert client.get(client.get(url)["Location"]).content == before  # a draft rule changes nothing

    publish(kumamoto_plan, 2021, reason="評価方法を変更")
    redirect = client.get(url)
    after = client.get(redirect["Location"]).content

    assert redirect["Location"] == f"/plans/{SLUG}/publications/2021-2/charts/grades.svg"
    assert after != before
    assert "評価の内訳" in after.decode()


def test_pages_show_the_publications_charts_with_text_alternatives(client, kumamoto_plan):
    plan_page = page(client, f"/plans/{SLUG}/?fy=2021")
    indicator_page = page(client, f"/plans/{SLUG}/indicators/1-1-1/?fy=2021")

    charts = f"/plans/{SLUG}/publications/2021-1/charts"
    assert f'src="{charts}/grades.svg"' in plan_page
    assert "◎達成 1件、○順調 2件、△遅れ 0件、×後退 7件、－評価対象外 0件" in plan_page
    # The cards draw their mini charts inline, with the figures in words.
    assert (
        '<title id="mini-1-1-1-title">民生委員・児童委員、主任児童委員の定員充足率の推移: '
        "基準値（H30）95.1％、R2 91.8％、R3 92.43％、目標値（R6）100％</title>"
    ) in plan_page
    assert f'src="{charts}/1-1-1.svg"' in indicator_page
    assert "数値は下の表のとおりです。" in indicator_page


# --- Staff preview -------------------------------------------------------------------------------------------


def test_staff_preview_a_year_not_yet_published_with_drafts_marked_and_nothing_cached(
    client, kumamoto_plan, django_user_model
):
    IndicatorValue.objects.create(
        indicator=kumamoto_plan.indicators.get(code="1-1-1"), fiscal_year=2022, value=Decimal("97.6")
    )
    client.force_login(make_staff(django_user_model, "approver", "熊本", "承認者"))
    empty_page_caches()

    response = client.get(f"/plans/{SLUG}/?fy=2022&preview=1")

    assert response.status_code == 200
    content = response.content.decode()
    assert "下書きを含むプレビューです。" in content
    assert "97.6％" in content and '<span class="draft-badge">下書き</span>' in content
    assert "この年度はまだ公表していません" in content
    assert response["Cache-Control"] == "private, no-store"
    assert len(cache._cache) == 0


def test_anyone_else_asking_for_a_preview_sees_only_what_is_published(client, kumamoto_plan):
    IndicatorValue.objects.create(
        indicator=kumamoto_plan.indicators.get(code="1-1-1"), fiscal_year=2022, value=Decimal("97.6")
    )

    assert client.get(f"/plans/{SLUG}/?fy=2022&preview=1").status_code == 404
    content = page(client, f"/plans/{SLUG}/?preview=1")
    assert "下書き" not in content and "97.6" not in content
