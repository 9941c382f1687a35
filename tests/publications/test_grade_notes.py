"""Each card says why its grade is what it is: the reason sentence, and the 評価の補足 staff chose."""

import json

import pytest

from indicators.models import IndicatorValue
from publications import document as doc
from publications.models import Publication
from publications.planfile import PlanFileError, import_plan_file
from tests.factories import publish
from tests.publications.test_planfile import SMALL_PLAN, write

SLUG = "kumamoto-welfare-4"
# From the fixture, as transcribed from the seed's narrative for 1-2-1 (研修の実施回数, 1回 against 70回).
TRAINING_2021 = "集合しての研修を中止し、オンラインで開いたのは1講座だけだったため。"
TRAINING_2020 = "新型コロナウイルス感染症の拡大防止のため、計画していた研修会を中止したため。"


def card_of(page: str, code: str) -> str:
    start = page.index(f"/indicators/{code}/?")
    return page[start : page.index("</li>", start)]


def test_each_card_on_the_plan_page_says_why_it_has_its_grade(client, kumamoto_plan):
    page = client.get(f"/plans/{SLUG}/?fy=2021").content.decode()

    # 1-1-1: 92.43 ％ in FY2021 against the baseline of 95.1 ％ (H30): lower, so 後退.
    assert "実績値92.43％が基準値95.1％より下がっているため「後退」です。" in card_of(page, "1-1-1")
    assert '<p class="grade-reason">' in card_of(page, "2-2-1")


def test_a_card_shows_the_grade_note_of_the_year_graded(client, kumamoto_plan):
    fy2021 = client.get(f"/plans/{SLUG}/?fy=2021").content.decode()
    fy2020 = client.get(f"/plans/{SLUG}/?fy=2020").content.decode()

    assert TRAINING_2021 in card_of(fy2021, "1-2-1") and TRAINING_2020 not in card_of(fy2021, "1-2-1")
    assert TRAINING_2020 in card_of(fy2020, "1-2-1")
    assert "評価の補足" not in card_of(fy2021, "1-1-1")  # none was written for it


def test_the_indicator_page_shows_the_grade_note_beside_the_reason(client, kumamoto_plan):
    page = client.get(f"/plans/{SLUG}/indicators/1-2-1/?fy=2021").content.decode()

    assert page.index("「後退」です。") < page.index(TRAINING_2021)


def test_the_grade_notes_are_part_of_the_publication_and_its_json(client, kumamoto_plan):
    data = client.get(f"/api/plans/{SLUG}/?fy=2021").json()
    training = next(
        item
        for policy in data["policies"]
        for measure in policy["measures"]
        for item in measure["indicators"]
        if item["code"] == "1-2-1"
    )

    assert training["grade_notes"] == {"2020": TRAINING_2020, "2021": TRAINING_2021}
    assert training["evaluation"]["note"] == TRAINING_2021


def test_a_later_year_does_not_leak_into_an_earlier_publication(client, kumamoto_plan):
    data = client.get(f"/api/plans/{SLUG}/?fy=2020").json()
    notes = {
        item["code"]: item["grade_notes"]
        for policy in data["policies"]
        for measure in policy["measures"]
        for item in measure["indicators"]
    }

    assert notes["1-2-1"] == {"2020": TRAINING_2020}
    assert notes["3-3-1"] == {}  # its only note is FY2021's


def test_a_changed_note_stays_a_draft_until_a_correction_publishes_it(client, kumamoto_plan):
    value = IndicatorValue.objects.get(
        indicator__plan=kumamoto_plan, indicator__code="1-2-1", fiscal_year=2021
    )
    value.grade_note = "研修会の会場が使えなかったため。"
    value.full_clean()
    value.save()

    assert "研修会の会場が使えなかったため。" not in client.get(f"/plans/{SLUG}/?fy=2021").content.decode()
    publish(kumamoto_plan, 2021, reason="評価の補足を訂正")

    page = client.get(f"/plans/{SLUG}/?fy=2021").content.decode()
    assert "研修会の会場が使えなかったため。" in card_of(page, "1-2-1")
    assert Publication.objects.filter(plan=kumamoto_plan, fiscal_year=2021).count() == 2


def test_a_publication_made_before_grade_notes_reads_as_having_none():
    stored = {
        "final_counts": [],  # graded finally already: this test is about the grade notes alone
        "policies": [
            {
                "measures": [
                    {
                        "code": "1-1",
                        "indicators": [
                            {"code": "1-1-1", "actuals": {"2020": 91.8}, "evaluation": {"fy": 2020}}
                        ],
                    }
                ]
            }
        ],
    }

    item = doc.indicators_by_code(doc.parse(json.dumps(stored)))["1-1-1"]

    assert item["grade_notes"] == {} and item["evaluation"]["note"] == ""


NOTE = "      grade_notes: {2021: 研修を中止したため。}\n"


@pytest.mark.django_db
def test_the_plan_file_carries_grade_notes(tmp_path):
    plan, _ = import_plan_file(
        write(tmp_path, SMALL_PLAN.replace("      unit: ％\n", "      unit: ％\n" + NOTE))
    )

    value = IndicatorValue.objects.get(indicator__plan=plan, indicator__code="1-1-1", fiscal_year=2021)
    assert value.grade_note == "研修を中止したため。"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("note", "message"),
    [
        (
            "      grade_notes: {2022: 研修を中止したため。}\n",
            "2022年度の評価の補足がありますが、その年度の実績値（actuals）がありません。",
        ),
        ("      grade_notes: {2021: " + "あ" * 101 + "}\n", "100 文字以下"),
        ('      grade_notes: {2021: "改行\\nのある文"}\n', "タブ・改行・表示されない制御文字は使えません"),
        ("      grade_notes: [研修を中止したため。]\n", "年度: 文 の組を書いてください"),
    ],
)
def test_a_grade_note_the_admin_would_refuse_is_refused_in_the_plan_file(tmp_path, note, message):
    with pytest.raises(PlanFileError) as error:
        import_plan_file(write(tmp_path, SMALL_PLAN.replace("      unit: ％\n", "      unit: ％\n" + note)))

    assert message in str(error.value)
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_an_admin_refuses_a_grade_note_with_a_line_break(kumamoto_drafts):
    value = IndicatorValue.objects.filter(indicator__plan=kumamoto_drafts).first()
    value.grade_note = "一行目\n二行目"

    with pytest.raises(Exception, match="タブ・改行・表示されない制御文字は使えません"):
        value.full_clean()
