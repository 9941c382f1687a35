"""The admin and the plan file refuse the same things with the same Japanese message, and whatever the admin
accepts, export_plan writes and import_plan reads back unchanged."""

import html
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from initiatives import entry
from plans.models import Plan
from publications.planfile import dump_plan, import_plan_file
from tests.factories import make_indicator, make_measure, make_plan, make_policy

PLAN_FILE = """\
slug: small-plan
title: 小さな計画
start_fy: 2020
end_fy: 2024
{grading}
policies:
- number: 1
  title: 人材の確保
  measures:
  - number: 1
    title: 担い手の確保
    indicators:
    - code: 1-1-1
      name: {name}
      unit: {unit}
      direction: increase
      baseline: {baseline}
      target: {target}
      actuals: {actuals}
    narratives:
    - {{fy: {narrative_fy}, section: initiatives, indicator: null, text: 研修を実施した。}}
"""

PLAN_DEFAULTS = {
    "grading": "",
    "name": "充足率",
    "unit": "％",
    "baseline": "{fy: 2018, value: 95.1}",
    "target": "{fy: 2024, value: 100}",
    "actuals": "{2020: 91.8}",
    "narrative_fy": 2020,
}


def plan_file_message(tmp_path: Path, **fields) -> str:
    """The message import_plan refuses the plan file with, without its place and its closing sentence."""
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN_FILE.format(**(PLAN_DEFAULTS | fields)), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_plan", str(path))
    message = str(refused.value)
    assert message.endswith(" 何も変更していません。")
    return message.removesuffix(" 何も変更していません。").rsplit("）: ", 1)[-1]


def grading(method: str, bands: list[tuple]) -> str:
    lines = [f"grading:\n  method: {method}\n  bands:"] + [
        f"  - {{min: {'null' if minimum is None else minimum}, mark: '{mark}', label: 区分{index}}}"
        for index, (minimum, mark) in enumerate(bands)
    ]
    return "\n".join(lines) if bands else f"grading:\n  method: {method}"


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="staff", password="x-unused-1"))
    return client


def admin_page(response) -> str:
    assert response.status_code == 200, "the admin saved what it should refuse"
    return html.unescape(response.content.decode())


def post_plan(client, method: str, bands: list[tuple], title: str = "小さな計画"):
    data = {
        "title": title,
        "slug": "small-plan",
        "philosophy": "",
        "summary": "",
        "start_fy": 2020,
        "end_fy": 2024,
        "grading_method": method,
        "makers-TOTAL_FORMS": 0,
        "makers-INITIAL_FORMS": 0,
        "final_grading_method": "trend",
        "final_tolerance_percent": "5",
        "grade_bands-TOTAL_FORMS": len(bands),
        "grade_bands-INITIAL_FORMS": 0,
        "grade_bands-2-TOTAL_FORMS": 0,
        "grade_bands-2-INITIAL_FORMS": 0,
        "review_marks-TOTAL_FORMS": 0,
        "review_marks-INITIAL_FORMS": 0,
        "policies-TOTAL_FORMS": 0,
        "policies-INITIAL_FORMS": 0,
    }
    for index, (minimum, mark) in enumerate(bands):
        data |= {
            f"grade_bands-{index}-position": index + 1,
            f"grade_bands-{index}-min_rate": "" if minimum is None else minimum,
            f"grade_bands-{index}-mark": mark,
            f"grade_bands-{index}-label": f"区分{index}",
        }
    return client.post(reverse("admin:plans_plan_add"), data)


BAND_CASES = {
    "bands out of order": [("70", "○"), ("80", "◎"), (None, "×")],
    "the rest band before another": [(None, "×"), ("80", "◎")],
    "a mark used twice": [("80", "○"), ("50", "○"), (None, "×")],
    "no bands under the achievement method": [],
    "more than 20 bands": [(str(100 - index), f"B{index}") for index in range(21)],
    "a band minimum beyond the column": [("1234567", "◎"), (None, "×")],
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAND_CASES))
def test_the_admin_refuses_the_bands_the_plan_file_refuses_with_the_same_message(
    case, staff_client, tmp_path
):
    bands = BAND_CASES[case]
    message = plan_file_message(tmp_path, grading=grading("achievement", bands))

    page = admin_page(post_plan(staff_client, "achievement", bands))

    assert message in page
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_bands_in_order_with_their_own_marks_are_accepted_by_the_admin(staff_client):
    response = post_plan(staff_client, "achievement", [("100", "A"), ("80", "B"), (None, "C")])

    assert response.status_code == 302
    assert list(Plan.objects.get().grade_bands.values_list("mark", flat=True)) == ["A", "B", "C"]


@pytest.mark.django_db
def test_a_tab_in_a_plan_title_is_refused_by_both_doors_with_the_same_message(staff_client, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN_FILE.format(**PLAN_DEFAULTS).replace("title: 小さな計画", 'title: "小さな\\t計画"'))
    with pytest.raises(CommandError) as refused:
        call_command("import_plan", str(path))

    page = admin_page(post_plan(staff_client, "pace", [], title="小さな\t計画"))

    expected = "タブ・改行・表示されない制御文字は使えません。1行の文字で入力してください。"
    assert expected in str(refused.value)
    assert expected in page


def indicator_data(measure, **overrides) -> dict:
    data = {
        "measure": measure.pk,
        "code": "1-1-1",
        "position": 0,
        "name": "充足率",
        "unit": "％",
        "direction": "increase",
        "baseline_fy": 2018,
        "baseline_value": "95.1",
        "target_fy": 2024,
        "target_value": "100",
        "tolerance": "0",
        "yearly_targets-TOTAL_FORMS": 0,
        "yearly_targets-INITIAL_FORMS": 0,
        "values-TOTAL_FORMS": 0,
        "values-INITIAL_FORMS": 0,
    }
    return data | overrides


# (plan file fields, admin form fields, the message both give)
INDICATOR_CASES = {
    "a value with five decimals": (
        {"baseline": "{fy: 2018, value: 95.12345}"},
        {"baseline_value": "95.12345"},
        "小数点以下は4桁までにしてください（95.12345）。",
    ),
    "a value with eleven integer digits": (
        {"unit": "人", "target": "{fy: 2024, value: 12345678901}"},
        {"unit": "人", "target_value": "12345678901"},
        "整数部分は10桁までにしてください（12345678901）。",
    ),
    "a baseline year after the target year": (
        {"baseline": "{fy: 2023, value: 95.1}", "target": "{fy: 2022, value: 100}", "actuals": "{}"},
        {"baseline_fy": 2023, "target_fy": 2022},
        "目標値の年度（2022年度）は基準値の年度（2023年度）より後にしてください。",
    ),
    "a target year equal to the baseline year": (
        {"baseline": "{fy: 2022, value: 95.1}", "target": "{fy: 2022, value: 100}", "actuals": "{}"},
        {"baseline_fy": 2022, "target_fy": 2022},
        "目標値の年度（2022年度）は基準値の年度（2022年度）より後にしてください。",
    ),
    "a target year beyond the plan": (
        {"target": "{fy: 2030, value: 100}"},
        {"target_fy": 2030},
        "目標値の年度（2030年度）は計画期間（2020～2024年度）の中にしてください。",
    ),
    "a baseline year after the plan": (
        {"baseline": "{fy: 2026, value: 95.1}", "target": "null", "actuals": "{}"},
        {"baseline_fy": 2026, "target_fy": "", "target_value": ""},
        "基準値の年度（2026年度）は計画の終了年度（2024年度）以前にしてください。",
    ),
    "a negative count": (
        {"unit": "人", "baseline": "{fy: 2018, value: -1}"},
        {"unit": "人", "baseline_value": "-1"},
        "人の値は0以上で入力してください。",
    ),
    "a percentage over 100": (
        {"target": "{fy: 2024, value: 101}"},
        {"target_value": "101"},
        "割合（％）は100以下で入力してください。",
    ),
    "a tab in a name": (
        {"name": '"充足\\t率"'},
        {"name": "充足\t率"},
        "タブ・改行・表示されない制御文字は使えません。",
    ),
    "a noncharacter in a name (XML cannot hold it)": (
        {"name": '"充足\\uffff率"'},
        {"name": "充足\uffff率"},
        "タブ・改行・表示されない制御文字は使えません。",
    ),
    "a text-reordering control in a name": (
        {"name": '"充足\\u202e率"'},
        {"name": "充足\u202e率"},
        "タブ・改行・表示されない制御文字は使えません。",
    ),
    "a name longer than its field": (
        {"name": "あ" * 301},
        {"name": "あ" * 301},
        "301",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(INDICATOR_CASES))
def test_the_admin_refuses_the_indicators_the_plan_file_refuses_with_the_same_message(
    case, staff_client, tmp_path
):
    in_file, in_form, expected = INDICATOR_CASES[case]
    message = plan_file_message(tmp_path, **in_file)
    measure = make_measure(make_policy(make_plan()))

    page = admin_page(
        staff_client.post(reverse("admin:indicators_indicator_add"), indicator_data(measure, **in_form))
    )

    assert expected in message
    assert message in page
    assert not Indicator.objects.exists()


@pytest.mark.django_db
def test_a_baseline_year_after_the_first_actual_is_refused_by_both_doors(staff_client, tmp_path):
    message = plan_file_message(tmp_path, baseline="{fy: 2021, value: 95.1}", actuals="{2020: 91.8}")
    indicator = make_indicator(
        make_measure(make_policy(make_plan())),
        baseline=(2018, "95.1"),
        target=(2024, 100),
        actuals={2020: "91.8"},
    )

    page = admin_page(
        staff_client.post(
            reverse("admin:indicators_indicator_change", args=[indicator.pk]),
            indicator_data(
                indicator.measure,
                baseline_fy=2021,
                **{
                    "values-TOTAL_FORMS": 0,
                    "yearly_targets-TOTAL_FORMS": 0,
                    "yearly_targets-INITIAL_FORMS": 0,
                },
            ),
        )
    )

    assert message == "基準値の年度（2021年度）は最初の実績値の年度（2020年度）以前にしてください。"
    assert message in page
    assert Indicator.objects.get().baseline_fy == 2018


@pytest.mark.django_db
def test_the_bulk_entry_refuses_an_actual_before_the_baseline_year(django_user_model):
    clerk = django_user_model.objects.create_superuser(username="clerk", password="x-unused-2")
    indicator = make_indicator(make_measure(make_policy(make_plan())), baseline=(2022, 5), target=(2024, 10))

    with pytest.raises(ValidationError) as refused:
        entry.save_yearly_values(
            clerk, indicator.plan, 2021, [entry.ValueEntry(indicator.pk, Decimal(3), "", 0)]
        )

    assert (
        "基準値の年度（2022年度）は最初の実績値の年度（2021年度）以前にしてください。"
        in refused.value.messages[0]
    )
    assert not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_a_narrative_year_outside_the_plan_is_refused_by_both_doors(staff_client, tmp_path):
    message = plan_file_message(tmp_path, narrative_fy=2025)
    measure = make_measure(make_policy(make_plan()))

    page = admin_page(
        staff_client.post(
            reverse("admin:initiatives_narrative_add"),
            {
                "measure": measure.pk,
                "fiscal_year": 2025,
                "section": "initiatives",
                "position": 1,
                "text": "内容",
            },
        )
    )

    assert message == "2025年度は計画期間（2020～2024年度）の範囲外です。"
    assert message in page


@pytest.mark.django_db
def test_shortening_a_plan_that_has_data_in_its_last_year_is_refused(staff_client):
    plan = make_plan()
    make_indicator(make_measure(make_policy(plan)), target=(2024, 100), actuals={2020: 50})
    data = {
        "title": plan.title,
        "philosophy": "",
        "summary": "",
        "start_fy": 2020,
        "end_fy": 2023,
        "grading_method": "pace",
        "final_grading_method": "trend",
        "final_tolerance_percent": "5",
        "makers-TOTAL_FORMS": 0,
        "makers-INITIAL_FORMS": 0,
        "grade_bands-TOTAL_FORMS": 0,
        "grade_bands-INITIAL_FORMS": 0,
        "grade_bands-2-TOTAL_FORMS": 0,
        "grade_bands-2-INITIAL_FORMS": 0,
        "review_marks-TOTAL_FORMS": 0,
        "review_marks-INITIAL_FORMS": 0,
        "policies-TOTAL_FORMS": 0,
        "policies-INITIAL_FORMS": 0,
    }

    page = admin_page(staff_client.post(reverse("admin:plans_plan_change", args=[plan.pk]), data))

    assert "計画期間を2020～2023年度にすると、成果指標 1-1-1 の目標値の年度が期間の外になります。" in page
    assert Plan.objects.get().end_fy == 2024


@pytest.mark.django_db
def test_a_plan_entered_through_the_admin_is_exported_and_imported_back_unchanged(staff_client, tmp_path):
    assert (
        post_plan(staff_client, "achievement", [("100", "◎"), ("80.5", "○"), (None, "×")]).status_code == 302
    )
    plan = Plan.objects.get()
    policy = make_policy(plan, title="人材の確保", description="一行目\n二行目")
    measure = make_measure(policy, title="担い手の確保")
    response = staff_client.post(
        reverse("admin:indicators_indicator_add"),
        indicator_data(
            measure,
            name='<b>充足率</b> & "率"',
            baseline_value="95.1",
            target_value="100",
            tolerance="0.5",
            may_exceed_100="on",
            **{
                "yearly_targets-TOTAL_FORMS": 0,
                "yearly_targets-INITIAL_FORMS": 0,
                "values-TOTAL_FORMS": 2,
                "values-0-fiscal_year": 2020,
                "values-0-value": "91.8",
                "values-0-note": "速報値",
                "values-1-fiscal_year": 2021,
                "values-1-value": "92.43",
                "values-1-note": "",
            },
        ),
    )
    assert response.status_code == 302
    response = staff_client.post(
        reverse("admin:initiatives_narrative_add"),
        {
            "measure": measure.pk,
            "fiscal_year": 2021,
            "section": "issues",
            "position": 1,
            "text": "検討する。\n※注記",
        },
    )
    assert response.status_code == 302
    exported = tmp_path / "exported.yaml"
    call_command("export_plan", "small-plan", "-o", str(exported))
    written = exported.read_text(encoding="utf-8")

    Plan.objects.all().delete()
    import_plan_file(exported)

    assert dump_plan(Plan.objects.get()) == written
    indicator = Indicator.objects.get()
    assert (indicator.name, indicator.tolerance, indicator.may_exceed_100) == (
        '<b>充足率</b> & "率"',
        Decimal("0.5"),
        True,
    )
    assert indicator.actuals() == {2020: Decimal("91.8"), 2021: Decimal("92.43")}
    assert list(Plan.objects.get().grade_bands.values_list("min_rate", "mark")) == [
        (Decimal(100), "◎"),
        (Decimal("80.5"), "○"),
        (None, "×"),
    ]
