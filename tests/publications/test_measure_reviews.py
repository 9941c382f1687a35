"""The review committee (推進委員会): its opinions and the 総括 as narratives, and each measure's reviews on the
plan's own scale (1次評価 by the department, 2次評価 by the committee), from entry through publishing to
every output. The plan is tests/fixtures/minato_ended_plan.yaml (our own): measure 1-1 has the department's
B and the committee's C for FY2022, A and B for FY2024, a committee opinion each year and a 総括 in FY2024.
"""

import html
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from initiatives.models import MeasureReview, Narrative
from plans.models import Measure
from publications import artifacts, changes
from publications.artifacts import run_build
from publications.models import Publication
from publications.planfile import PlanFileError, parse_plan, save_plan
from publications.publishing import pending, publish, publish_years_with_actuals

PLAN_FILE = Path(settings.BASE_DIR) / "tests" / "fixtures" / "minato_ended_plan.yaml"
SLUG = "minato-welfare"


@pytest.fixture
def minato(db):
    plan, _ = save_plan(parse_plan(PLAN_FILE.read_text(encoding="utf-8")))
    for publication in publish_years_with_actuals(plan):
        run_build(publication.build)
    return plan


@pytest.fixture
def approver(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="approver", password="x-unused-9"))
    return client


def text_of(content: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(content.decode())))


def measure_json(client, fy, code="1-1"):
    data = client.get(f"/api/plans/{SLUG}/?fy={fy}").json()
    return next(m for p in data["policies"] for m in p["measures"] if m["code"] == code), data


def test_the_json_carries_the_reviews_up_to_the_year_and_the_scale(client, minato):
    measure, data = measure_json(client, 2022)
    assert measure["reviews"] == [
        {"fy": 2022, "stage": 1, "mark": "B", "label": "概ね順調に進んでいる"},
        {"fy": 2022, "stage": 2, "mark": "C", "label": "遅れている"},
    ]
    assert [m["mark"] for m in data["review_scale"]] == ["A", "B", "C"]
    sections = [(n["fy"], n["section"]) for n in measure["narratives"]]
    assert sections == [(2022, "initiatives"), (2022, "committee")]  # nothing of FY2024 at FY2022
    measure, _ = measure_json(client, 2024)
    assert [(r["fy"], r["stage"], r["mark"]) for r in measure["reviews"]][-2:] == [
        (2024, 1, "A"),
        (2024, 2, "B"),
    ]
    assert (2024, "summary") in [(n["fy"], n["section"]) for n in measure["narratives"]]


def test_the_policy_page_shows_both_stages_side_by_side_and_the_committees_opinion(client, minato):
    page = text_of(client.get(f"/plans/{SLUG}/policies/1/?fy=2024").content)
    assert (
        "令和4年度（2022年度） B 概ね順調に進んでいる C 遅れている "
        "令和6年度（2024年度） A 順調に進んでいる B 概ね順調に進んでいる"
    ) in page
    assert "推進委員会の意見 見守りの参加者は目標を超えた。研修は引き続き強化されたい。" in page


def test_the_final_page_shows_the_summing_up_of_its_year(client, minato):
    page = text_of(client.get(f"/plans/{SLUG}/final/?fy=2024").content)
    assert (
        "総括（令和6年度（2024年度）） 担い手の確保は目標を達成したが、研修の修了者は目標に届かなかった。"
        in page
    )
    assert "総括（" not in text_of(
        client.get(f"/plans/{SLUG}/final/?fy=2022").content
    )  # none written for FY2022


def test_the_excel_report_has_the_opinions_the_summing_up_and_the_reviews(minato):
    workbook = load_workbook(
        BytesIO(artifacts.open_file(Publication.objects.current(minato, 2024), artifacts.REPORT_FILE))
    )
    rows = [
        [cell for cell in row if cell is not None]
        for row in workbook["基本方針Ⅰ"].iter_rows(values_only=True)
    ]
    assert ["年度", "推進委員会の意見", "総括"] in rows
    assert ["年度", "1次評価（担当課）", "2次評価（推進委員会）"] in rows
    assert ["令和6年度", "A 順調に進んでいる", "B 概ね順調に進んでいる"] in rows
    flat = "\n".join(str(cell) for row in rows for cell in row).replace("\n", "")
    assert "研修は引き続き強化されたい。" in flat and "研修の修了者は目標に届かなかった。" in flat


def test_the_pdf_report_has_the_opinions_and_the_reviews(minato, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(
        artifacts.open_file(Publication.objects.current(minato, 2024), artifacts.REPORT_PDF_FILE)
    )
    text = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert "令和6年度の推進委員会の意見" in flat and "研修は引き続き強化されたい。" in flat
    assert "令和6年度の総括" in flat
    assert (
        "2次評価（推進委員会）" in flat
        and "令和6年度（2024年度）A順調に進んでいるB概ね順調に進んでいる" in flat
    )


def test_a_review_entered_in_the_admin_is_a_draft_until_published_and_then_a_change_in_the_open(
    client, minato, approver
):
    measure = Measure.objects.get(policy__plan=minato, policy__number=1, number=2)
    response = approver.post(
        reverse("admin:initiatives_measurereview_add"),
        {"measure": measure.pk, "fiscal_year": 2024, "stage": 2, "mark": "C"},
    )
    assert response.status_code == 302
    approver.post(
        reverse("admin:initiatives_narrative_add"),
        {
            "measure": measure.pk,
            "indicator": "",
            "fiscal_year": 2024,
            "section": "committee",
            "position": 1,
            "text": "意識の醸成は遅れている。",
        },
    )
    assert Narrative.objects.filter(measure=measure, section="committee").count() == 1
    assert measure_json(client, 2024, "1-2")[0]["reviews"] == []  # a draft: citizens see the publication

    found = pending(minato, 2024)
    listed = [(c.what, c.before, c.after) for c in found.changes]
    assert ("2次評価（推進委員会）（2024年度）", "（なし）", "C 遅れている") in listed
    assert ("推進委員会の意見（2024年度）", "", "意識の醸成は遅れている。") in listed
    publish(None, minato, 2024, reason="推進委員会の2次評価を追加")

    measure_data, _ = measure_json(client, 2024, "1-2")
    assert measure_data["reviews"] == [{"fy": 2024, "stage": 2, "mark": "C", "label": "遅れている"}]
    history = text_of(client.get(f"/plans/{SLUG}/publications/2024-2/").content)
    assert "推進委員会の2次評価を追加" in history and "2次評価（推進委員会）（2024年度）" in history


def test_the_admin_refuses_a_mark_outside_the_plans_scale_and_saves_nothing(minato, approver):
    measure = Measure.objects.get(policy__plan=minato, policy__number=1, number=2)
    response = approver.post(
        reverse("admin:initiatives_measurereview_add"),
        {"measure": measure.pk, "fiscal_year": 2024, "stage": 2, "mark": "S"},
    )
    assert response.status_code == 200
    assert "記号「S」はこの計画の取組の評価の区分（A、B、C）にありません。" in html.unescape(
        response.content.decode()
    )
    assert not MeasureReview.objects.filter(measure=measure).exists()


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (
            "- {fy: 2022, measure: 1-1, stage: 2, mark: C}",
            "- {fy: 2022, measure: 1-1, stage: 2, mark: S}",
            "記号「S」は review_scale にありません（書かれている記号: A、B、C）。",
        ),
        (
            "- {fy: 2022, measure: 1-1, stage: 2, mark: C}",
            "- {fy: 2022, measure: 3-1, stage: 2, mark: C}",
            "取組「3-1」はこの計画にありません",
        ),
        (
            "- {fy: 2022, measure: 1-1, stage: 2, mark: C}",
            "- {fy: 2022, measure: 1-1, stage: 3, mark: C}",
            "stage は 1（1次評価）か 2（2次評価）です",
        ),
        (
            "- {fy: 2022, measure: 1-1, stage: 2, mark: C}",
            "- {fy: 2022, measure: 1-1, stage: 1, mark: C}",
            "取組1-1の2022年度の1次評価が2回書かれています。",
        ),
        (
            "section: committee",
            "section: opinion",
            "section は initiatives（主な取組）、issues（課題・改善事項・方針）",
        ),
    ],
)
def test_the_plan_file_refuses_a_review_that_cannot_be(before, after, message):
    text = PLAN_FILE.read_text(encoding="utf-8").replace(before, after, 1)
    with pytest.raises(PlanFileError) as refused:
        parse_plan(text)
    assert message in str(refused.value)


def test_the_changes_between_two_documents_name_a_changed_review():
    old = {
        "code": "1-1",
        "title": "担い手",
        "reviews": [{"fy": 2024, "stage": 2, "mark": "B", "label": "概ね"}],
    }
    new = {
        "code": "1-1",
        "title": "担い手",
        "reviews": [{"fy": 2024, "stage": 2, "mark": "A", "label": "順調"}],
    }
    found = changes.review_changes(old, new)
    assert [(c.what, c.before, c.after, c.kind) for c in found] == [
        ("2次評価（推進委員会）（2024年度）", "B 概ね", "A 順調", "changed")
    ]
