"""The final evaluation (最終評価) and yearly targets (年度目標) from the plan file through publishing to the
pages, the JSON, the evaluation CSV and the Excel report.

The plan is tests/fixtures/minato_ended_plan.yaml (our own, FY2020–FY2024, ended): the grades below are worked
out by hand from it, as in the comments.

1-1-1 100 → 210 人, target 200: A (+110.0 %)        2-1-1 decrease 40 → 41.9 件: C (+4.75 → +4.8 %)
1-1-2 100 → 150 人, target 200: B (+50.0 %)          2-1-2 decrease 40 → 44 件: D (+10.0 %)
1-2-1 50 → 52 ％, target 60: C (+4.0 %)              2-2-1 no baseline, one actual: E
                                                       2-2-2 no target: E
"""

import csv
import io
import json
import re
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from plans.models import Plan
from publications import views
from publications.artifacts import run_build
from publications.planfile import dump_plan, parse_plan, save_plan
from publications.publishing import publish_years_with_actuals

PLAN_FILE = Path(settings.BASE_DIR) / "tests" / "fixtures" / "minato_ended_plan.yaml"
SLUG = "minato-welfare"
FINAL = {
    "1-1-1": "A",
    "1-1-2": "B",
    "1-2-1": "C",
    "2-1-1": "C",
    "2-1-2": "D",
    "2-2-1": "E",
    "2-2-2": "E",
}
# 7 indicators: 1/7 = 14.29 → 14.3 %, 2/7 = 28.57 → 28.6 %
PLAN_COUNTS = [("A", 1, 14.3), ("B", 1, 14.3), ("B*", 0, 0), ("C", 2, 28.6), ("D", 1, 14.3), ("E", 2, 28.6)]
# Ⅰ: A, B, C of 3 (33.3 % each); Ⅱ: C, D, E, E of 4
POLICY_COUNTS = [
    [("A", 1, 33.3), ("B", 1, 33.3), ("B*", 0, 0), ("C", 1, 33.3), ("D", 0, 0), ("E", 0, 0)],
    [("A", 0, 0), ("B", 0, 0), ("B*", 0, 0), ("C", 1, 25), ("D", 1, 25), ("E", 2, 50)],
]


def published(text: str) -> Plan:
    plan, _ = save_plan(parse_plan(text))
    for publication in publish_years_with_actuals(plan):
        run_build(publication.build)
    return Plan.objects.get(pk=plan.pk)


@pytest.fixture
def minato(db):
    return published(PLAN_FILE.read_text(encoding="utf-8"))


def api(client, fy):
    response = client.get(f"/api/plans/{SLUG}/?fy={fy}")
    assert response.status_code == 200
    return response.json()


def indicators(data):
    return {i["code"]: i for p in data["policies"] for m in p["measures"] for i in m["indicators"]}


def counts(items):
    return [(c["mark"], c["count"], c["share"]) for c in items]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_json_of_the_last_year_has_each_indicators_final_grade_and_the_counts_with_shares(client, minato):
    data = api(client, 2024)
    assert data["final_stage"] == "final"
    assert {
        code: item["final_evaluation"]["grade"]["mark"] for code, item in indicators(data).items()
    } == FINAL
    assert counts(data["final_counts"]) == PLAN_COUNTS
    assert [counts(policy["final_counts"]) for policy in data["policies"]] == POLICY_COUNTS
    assert indicators(data)["2-1-1"]["final_evaluation"]["change_percent"] == 4.8
    assert data["final_grading"] == {"method": "trend", "tolerance_percent": 5, "bands": []}


def test_the_final_page_shows_every_grade_with_its_count_and_share(client, minato):
    response = client.get(f"/plans/{SLUG}/final/?fy=2024")
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "最終評価（令和6年度（2024年度）末時点）" in page
    table = page[page.index("最終評価の内訳") : page.index("計 7件 3件 4件")]
    # each grade: the plan's count (share), then basic policy Ⅰ's and Ⅱ's
    for row in [
        "A 目標値に達した 1件 （14.3％） 1件 （33.3％） 0件 （0.0％）",
        "B* 改善傾向にあるが、目標年度までの達成が危ぶまれる 0件 （0.0％） 0件 （0.0％） 0件 （0.0％）",
        "C 変わらない 2件 （28.6％） 1件 （33.3％） 1件 （25.0％）",
        "D 悪化している 1件 （14.3％） 0件 （0.0％） 1件 （25.0％）",
        "E 評価困難 2件 （28.6％） 0件 （0.0％） 2件 （50.0％）",
    ]:
        assert row in table
    assert "基準値40件から実績値41.9件への変化が+4.8％で、±5％の範囲内のため「C」です。" in page
    assert "この基本方針の成果指標4件の内訳: C 1件（25.0％） 、 D 1件（25.0％） 、 E 2件（50.0％）" in page


def test_a_mid_term_year_marks_b_star_where_the_trend_misses_the_target(client, minato):
    # 1-1-2 at FY2022: +20.0 %, but the line through (2019, 100), (2020, 110), (2022, 120) reaches 134 人 in
    # FY2024, short of 200: B*. 1-1-1 at FY2022: 160 人, +60.0 %; its line through (2019, 100), (2020, 120),
    # (2022, 160) has mean 126.67 at 2020.33 and slope 93.33 / 4.667 = 20.0, so 126.67 + 20 × 3.67 = 200 人
    # in FY2024: on course, B.
    data = api(client, 2022)
    assert data["final_stage"] == "midterm"
    grades = {code: item["final_evaluation"]["grade"]["mark"] for code, item in indicators(data).items()}
    assert (grades["1-1-2"], grades["1-1-1"]) == ("B*", "B")
    page = text_of(client.get(f"/plans/{SLUG}/final/?fy=2022").content.decode())
    assert "中間評価（令和4年度（2022年度）末時点）" in page
    assert "今の傾向が続くと2024年度に134人となり目標値に届かない見込みのため「B*」です。" in page


def test_a_yearly_target_grades_its_year_and_shows_in_the_json_the_page_and_the_csv(client, minato):
    # 1-1-2 at FY2022: 120 人 reaches the year's 115 人 → ○ 順調 (the straight line's 60 % would say 遅れ);
    # 120 / 115 = 104.35 → 104.3 %. FY2020 has no yearly target: 10.0 % against 20.0 % → △ 遅れ.
    item = indicators(api(client, 2022))["1-1-2"]
    assert item["interim_targets"] == {"2022": 115}
    evaluation = item["evaluation"]
    assert (
        evaluation["grade"]["mark"],
        evaluation["yearly_target"],
        evaluation["yearly_achievement_rate"],
    ) == (
        "○",
        {"fy": 2022, "value": 115},
        104.3,
    )
    assert evaluation["expected_progress"] == 15  # (115 − 100) / (200 − 100)
    earlier = indicators(api(client, 2020))["1-1-2"]["evaluation"]
    assert (earlier["grade"]["mark"], earlier["yearly_target"]) == ("△", None)

    page = text_of(client.get(f"/plans/{SLUG}/indicators/1-1-2/?fy=2022").content.decode())
    assert "実績値120人が2022年度の目標値115人に達しているため「順調」です。" in page
    assert "年度目標 令和4年度（2022年度） 115" in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/plans/{SLUG}/evaluation.csv?fy=2022", follow=True).content.decode("utf-8-sig")
            )
        )
    )
    row = next(r for r in rows if r["指標コード"] == "1-1-2")
    assert (row["年度目標"], row["年度目標に対する達成率"], row["最終評価の記号"], row["最終評価の種類"]) == (
        "115",
        "104.3",
        "B*",
        "中間評価",
    )


def test_yearly_targets_under_the_band_method(client, db):
    # The same plan graded by bands: FY2022 104.3 % of the year's 115 → ◎; FY2020 110 / 200 = 55.0 % → △
    bands = "grading:\n  method: achievement\n  bands:\n  - {min: 100, mark: ◎, label: 達成}\n  - {min: 80, mark: ○, label: 概ね達成}\n  - {min: null, mark: △, label: 未達成}\n"
    published(PLAN_FILE.read_text(encoding="utf-8").replace("policies:\n", bands + "policies:\n", 1))
    assert indicators(api(client, 2022))["1-1-2"]["evaluation"]["grade"] == {"mark": "◎", "label": "達成"}
    assert indicators(api(client, 2020))["1-1-2"]["evaluation"]["grade"] == {"mark": "△", "label": "未達成"}


def test_the_final_evaluation_by_bands_of_its_own(client, db):
    # 達成率 at FY2024: 1-1-1 210/200 = 105.0 → A; 1-1-2 150/200 = 75.0 → C; 1-2-1 52/60 = 86.7 → B;
    # 2-1-1 30/41.9 = 71.6 → C; 2-1-2 30/44 = 68.2 → C; 2-2-1 45/50 = 90.0 → B; 2-2-2 no target → E
    rule = (
        "final_grading:\n  method: achievement\n  bands:\n  - {min: 100, mark: A, label: 達成}\n"
        "  - {min: 80, mark: B, label: 概ね達成}\n  - {min: null, mark: C, label: 未達成}\n"
    )
    published(PLAN_FILE.read_text(encoding="utf-8").replace("policies:\n", rule + "policies:\n", 1))
    data = api(client, 2024)
    grades = {code: item["final_evaluation"]["grade"]["mark"] for code, item in indicators(data).items()}
    assert grades == {
        "1-1-1": "A",
        "1-1-2": "C",
        "1-2-1": "B",
        "2-1-1": "C",
        "2-1-2": "C",
        "2-2-1": "B",
        "2-2-2": "E",
    }
    assert counts(data["final_counts"]) == [("A", 1, 14.3), ("B", 2, 28.6), ("C", 3, 42.9), ("E", 1, 14.3)]


def test_the_plan_file_with_yearly_targets_and_final_grading_round_trips_byte_for_byte(db):
    text = PLAN_FILE.read_text(encoding="utf-8")
    body = text[text.index("slug:") :]  # the file's own comment is not part of the plan
    variants = [
        body,
        body.replace(
            "review_scale:\n",
            "final_grading:\n  method: trend\n  tolerance_percent: 10\n" + "review_scale:\n",
            1,
        ),
        body.replace(
            "review_scale:\n",
            "grading:\n  method: achievement\n  bands:\n  - {min: 100, mark: ◎, label: 達成}\n"
            "  - {min: null, mark: △, label: 未達成}\nfinal_grading:\n  method: achievement\n"
            "  bands:\n  - {min: 90, mark: A, label: 達成}\n  - {min: null, mark: C, label: 未達成}\nreview_scale:\n",
            1,
        ),
        body.replace("interim_targets: {2022: 115}", "interim_targets: {2021: 112.5, 2022: 115, 2023: 130}"),
    ]
    for variant in variants:
        plan, _ = save_plan(parse_plan(variant))
        assert dump_plan(plan) == variant
        again, _ = save_plan(parse_plan(dump_plan(plan)))
        assert dump_plan(again) == variant


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (
            "interim_targets: {2022: 115}",
            "interim_targets: {2024: 115}",
            "年度目標の年度（2024年度）は目標値の年度（2024年度）より前にしてください。",
        ),
        (
            "interim_targets: {2022: 115}",
            "interim_targets: {2019: 115}",
            "年度目標の年度（2019年度）は計画期間（2020～2024年度）の中にしてください。",
        ),
        ("interim_targets: {2022: 115}", "interim_targets: {2022: -1}", "人の値は0以上で入力してください。"),
        (
            "policies:\n",
            "final_grading: {method: achievement}\npolicies:\n",
            "最終評価を達成率の区分で行うには、bands を書くか、grading に評価区分を書いてください。",
        ),
        (
            "policies:\n",
            "final_grading: {method: trend, tolerance_percent: 150}\npolicies:\n",
            "tolerance_percent は0～100にしてください（150）。",
        ),
    ],
)
def test_the_plan_file_refuses_a_yearly_target_or_final_rule_that_cannot_be_and_saves_nothing(
    before, after, message
):
    from publications.planfile import PlanFileError

    text = PLAN_FILE.read_text(encoding="utf-8").replace(before, after, 1)
    with pytest.raises(PlanFileError) as refused:
        parse_plan(text)
    assert message in str(refused.value)


def test_the_excel_report_has_a_final_evaluation_sheet_with_the_counts_and_grades(client, minato):
    response = client.get(f"/plans/{SLUG}/report.xlsx?fy=2024", follow=True)
    workbook = load_workbook(
        BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    assert workbook.sheetnames[:3] == ["概要", "成果指標一覧", "最終評価"]
    rows = [row for row in workbook["最終評価"].iter_rows(values_only=True)]
    by_mark = {
        row[0]: row
        for row in rows
        if row and row[0] in {"A", "B", "B*", "C", "D", "E"} and isinstance(row[2], int)
    }
    # 記号, 評価, 計画全体（件）, 割合, 基本方針Ⅰ（件）, 割合, 基本方針Ⅱ（件）, 割合
    assert by_mark["C"][2:8] == (2, pytest.approx(0.286), 1, pytest.approx(0.333), 1, pytest.approx(0.25))
    graded = {row[0]: row[10] for row in rows if row and row[0] in FINAL}
    assert graded == FINAL


def test_an_ended_plan_says_so_on_its_pages_with_a_link_to_its_final_evaluation(client, minato):
    for path in ["", "policies/1/", "indicators/", "indicators/1-1-1/", "final/"]:
        page = client.get(f"/plans/{SLUG}/{path}?fy=2022").content.decode()
        assert "この計画は令和6年度（2024年度）で計画期間を終了しました。" in page, path
        assert f'href="/plans/{SLUG}/final/?fy=2024"' in page, path


def test_the_home_page_lists_the_plans_by_status_of_todays_fiscal_year(
    client, kumamoto_plan, minato, monkeypatch
):
    # Both plans run FY2020–FY2024: ended in FY2026, ongoing in FY2022, not begun in FY2019
    monkeypatch.setattr(views, "today_fiscal_year", lambda: 2026)
    page = text_of(client.get("/").content.decode())
    assert "終了の計画" in page and "計画期間中の計画" not in page
    ended = page[page.index("終了の計画") :]
    assert "第４次熊本市地域福祉計画・地域福祉活動計画" in ended and "みなと市地域福祉計画" in ended
    monkeypatch.setattr(views, "today_fiscal_year", lambda: 2022)
    page = text_of(client.get("/").content.decode())
    assert "計画期間中の計画" in page and "終了の計画" not in page
    monkeypatch.setattr(views, "today_fiscal_year", lambda: 2019)
    assert "開始前の計画" in text_of(client.get("/").content.decode())


def test_only_a_plan_whose_last_year_is_published_offers_its_final_evaluation_on_the_home_page(
    client, kumamoto_plan, minato
):
    html = client.get("/").content.decode()
    assert f'href="/plans/{SLUG}/final/?fy=2024"' in html
    assert (
        'href="/plans/kumamoto-welfare-4/final/' not in html
    )  # FY2024 of the Kumamoto plan is not published


def test_a_publication_made_before_the_final_evaluation_is_graded_by_the_default_rule_when_read(minato):
    from publications import document as doc
    from publications.models import Publication

    stored = json.loads(Publication.objects.get(plan=minato, fiscal_year=2024).content)
    for key in ("final_grading", "final_stage", "final_counts"):
        del stored[key]
    for policy in stored["policies"]:
        del policy["final_counts"]
        for measure in policy["measures"]:
            for item in measure["indicators"]:
                del item["final_evaluation"], item["interim_targets"]
                del item["evaluation"]["yearly_target"], item["evaluation"]["yearly_achievement_rate"]
    document = doc.parse(json.dumps(stored, ensure_ascii=False))
    assert [(c["mark"], c["count"], c["share"]) for c in document["final_counts"]] == PLAN_COUNTS
    assert doc.indicators_by_code(document)["1-1-2"]["interim_targets"] == {}


def test_the_reports_list_the_yearly_targets_beside_the_values(minato, tmp_path):
    from publications import artifacts
    from publications.models import Publication

    publication = Publication.objects.current(minato, 2022)
    workbook = load_workbook(BytesIO(artifacts.open_file(publication, artifacts.REPORT_FILE)))
    items = {
        str(row[3]).replace("\n", ""): row[4]
        for row in workbook["基本方針Ⅰ"].iter_rows(values_only=True)
        if row and row[3]
    }
    assert items["年度目標（R4）"] == 115
    assert items["年度目標の達成率"] == pytest.approx(1.043)  # 120 / 115
    path = tmp_path / "report.pdf"
    path.write_bytes(artifacts.open_file(publication, artifacts.REPORT_PDF_FILE))
    import subprocess

    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "年度目標 R4 115人 年度目標に対する達成率 104.3％" in text
