from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from indicators.models import Indicator, IndicatorValue
from initiatives.models import Narrative
from plans.models import BasicPolicy, Measure, Plan
from publications import planfile
from publications.planfile import PlanFileError, dump_plan, import_plan_file, parse_plan

SMALL_PLAN = """\
slug: small-plan
title: 小さな計画
philosophy: 支え合うまち
summary: 試験用の計画
start_fy: 2020
end_fy: 2024
policies:
- number: 1
  title: 人材の確保
  description: 説明文
  measures:
  - number: 1
    title: 担い手の確保
    indicators:
    - code: 1-1-1
      name: 充足率
      unit: ％
      direction: increase
      baseline: {fy: 2018, value: 95.1}
      target: {fy: 2024, value: 100}
      actuals: {2020: 91.8, 2021: 92.43}
    - code: 1-1-2
      name: 件数
      unit: 件
      direction: decrease
      baseline: null
      target: null
      actuals: {}
    narratives:
    - {fy: 2020, section: initiatives, indicator: 1-1-1, text: 研修を実施した。}
    - {fy: 2020, section: initiatives, indicator: null, text: ※注記です。}
    - {fy: 2021, section: issues, indicator: 1-1-1, text: 検討していく。}
"""


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_error(tmp_path: Path, text: str) -> str:
    """Run import_plan on text and return the one-line message it fails with."""
    with pytest.raises(CommandError) as raised:
        call_command("import_plan", str(write(tmp_path, text)))
    message = str(raised.value)
    assert "\n" not in message
    assert message.endswith("何も変更していません。")
    return message


def database_snapshot() -> tuple:
    return (
        list(Plan.objects.values_list("slug", "title", "start_fy", "end_fy")),
        list(BasicPolicy.objects.values_list("plan__slug", "number", "title")),
        list(Measure.objects.values_list("policy__number", "number", "title")),
        list(Indicator.objects.values_list("code", "name", "baseline_value", "target_value")),
        list(IndicatorValue.objects.values_list("indicator__code", "fiscal_year", "value")),
        list(Narrative.objects.values_list("measure__number", "fiscal_year", "section", "position", "text")),
    )


# --- reading a good file --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_importing_a_plan_file_creates_the_whole_plan(tmp_path):
    plan, created = import_plan_file(write(tmp_path, SMALL_PLAN))

    assert created
    assert (plan.slug, plan.title, plan.philosophy, plan.summary) == (
        "small-plan",
        "小さな計画",
        "支え合うまち",
        "試験用の計画",
    )
    assert (plan.start_fy, plan.end_fy) == (2020, 2024)
    policy = plan.policies.get()
    assert (policy.number, policy.title, policy.description) == (1, "人材の確保", "説明文")
    measure = policy.measures.get()
    assert (measure.number, measure.title) == (1, "担い手の確保")
    rate = Indicator.objects.get(plan=plan, code="1-1-1")
    assert (rate.unit, rate.direction) == ("％", "increase")
    assert (rate.baseline_fy, rate.baseline_value) == (2018, Decimal("95.1"))
    assert (rate.target_fy, rate.target_value) == (2024, Decimal("100"))
    assert rate.actuals() == {2020: Decimal("91.8"), 2021: Decimal("92.43")}
    count = Indicator.objects.get(plan=plan, code="1-1-2")
    assert (count.baseline_fy, count.baseline_value, count.target_fy, count.target_value) == (
        None,
        None,
        None,
        None,
    )
    assert count.direction == "decrease"
    narratives = list(measure.narratives.order_by("fiscal_year", "section", "position"))
    assert [(n.fiscal_year, n.section, n.position, n.indicator_id, n.text) for n in narratives] == [
        (2020, "initiatives", 1, rate.pk, "研修を実施した。"),
        (2020, "initiatives", 2, None, "※注記です。"),
        (2021, "issues", 1, rate.pk, "検討していく。"),
    ]
    assert narratives[1].is_note and not narratives[0].is_note


@pytest.mark.django_db
def test_values_keep_their_written_precision_after_a_round_trip_through_the_database(tmp_path):
    import_plan_file(write(tmp_path, SMALL_PLAN))

    values = {str(v.value) for v in IndicatorValue.objects.all()}

    assert values == {"91.8", "92.43"}
    assert str(Indicator.objects.get(code="1-1-1").target_value) == "100"


@pytest.mark.django_db
def test_export_then_import_then_export_gives_the_same_bytes(tmp_path):
    plan, _ = import_plan_file(write(tmp_path, SMALL_PLAN))
    first = dump_plan(plan)

    plan, created = import_plan_file(write(tmp_path, first, "exported.yaml"))
    second = dump_plan(plan)

    assert not created
    assert first == second
    assert "baseline: {fy: 2018, value: 95.1}" in first
    assert "actuals: {2020: 91.8, 2021: 92.43}" in first


@pytest.mark.django_db
def test_the_kumamoto_plan_file_is_exactly_what_export_writes_back(kumamoto_plan, tmp_path):
    from tests.conftest import KUMAMOTO_PLAN_FILE

    call_command("export_plan", kumamoto_plan.slug, "-o", str(tmp_path / "out.yaml"))

    assert (tmp_path / "out.yaml").read_bytes() == KUMAMOTO_PLAN_FILE.read_bytes()


@pytest.mark.django_db
def test_reimporting_updates_in_place_and_removes_what_the_file_no_longer_has(tmp_path):
    import_plan_file(write(tmp_path, SMALL_PLAN))
    kept_id = Indicator.objects.get(code="1-1-1").pk
    changed = (
        SMALL_PLAN.replace("actuals: {2020: 91.8, 2021: 92.43}", "actuals: {2020: 91.9}")
        .replace("    - code: 1-1-2\n      name: 件数\n      unit: 件\n      direction: decrease\n", "")
        .replace("      baseline: null\n      target: null\n      actuals: {}\n", "")
        .replace("    - {fy: 2021, section: issues, indicator: 1-1-1, text: 検討していく。}\n", "")
    )

    plan, created = import_plan_file(write(tmp_path, changed))

    assert not created
    indicator = Indicator.objects.get(plan=plan)
    assert indicator.pk == kept_id
    assert indicator.actuals() == {2020: Decimal("91.9")}
    assert Narrative.objects.count() == 2


GRADING = """\
grading:
  method: achievement
  bands:
  - {min: 100, mark: ◎, label: 順調}
  - {min: 90, mark: ○, label: 概ね順調}
  - {min: 80, mark: △, label: やや遅れている}
  - {min: null, mark: ×, label: 遅れている}
"""


@pytest.mark.django_db
def test_a_plans_own_grading_rule_and_a_tolerance_round_trip_through_the_plan_file(tmp_path):
    text = SMALL_PLAN.replace("end_fy: 2024\n", "end_fy: 2024\n" + GRADING).replace(
        "      actuals: {}\n", "      actuals: {}\n      tolerance: 0.5\n"
    )

    plan, _ = import_plan_file(write(tmp_path, text))
    exported = dump_plan(plan)

    assert plan.grading_method == "achievement"
    assert [(b.position, b.min_rate, b.mark, b.label) for b in plan.grade_bands.all()] == [
        (1, Decimal("100"), "◎", "順調"),
        (2, Decimal("90"), "○", "概ね順調"),
        (3, Decimal("80"), "△", "やや遅れている"),
        (4, None, "×", "遅れている"),
    ]
    assert Indicator.objects.get(code="1-1-2").tolerance == Decimal("0.5")
    assert GRADING in exported
    assert "      tolerance: 0.5\n" in exported
    assert dump_plan(import_plan_file(write(tmp_path, exported, "again.yaml"))[0]) == exported


@pytest.mark.django_db
def test_a_plan_without_a_grading_key_uses_the_default_rule_and_exports_none(tmp_path):
    plan, _ = import_plan_file(write(tmp_path, SMALL_PLAN))

    assert plan.grading_method == "pace"
    assert "grading" not in dump_plan(plan)


@pytest.mark.django_db
def test_fiscal_years_may_be_written_in_the_japanese_calendar(tmp_path):
    text = SMALL_PLAN.replace("baseline: {fy: 2018,", "baseline: {fy: H30,").replace(
        "{2020: 91.8,", "{R2: 91.8,"
    )

    import_plan_file(write(tmp_path, text))

    indicator = Indicator.objects.get(code="1-1-1")
    assert indicator.baseline_fy == 2018
    assert indicator.actuals() == {2020: Decimal("91.8"), 2021: Decimal("92.43")}


@pytest.mark.django_db
def test_export_plan_prints_to_standard_output(capsys, tmp_path):
    import_plan_file(write(tmp_path, SMALL_PLAN))

    call_command("export_plan", "small-plan")

    assert capsys.readouterr().out.startswith("slug: small-plan\ntitle: 小さな計画\n")


@pytest.mark.django_db
def test_export_plan_names_the_known_plans_when_the_slug_is_unknown(tmp_path):
    import_plan_file(write(tmp_path, SMALL_PLAN))

    with pytest.raises(CommandError, match="slug「nothing」の計画はありません（登録済み: small-plan）"):
        call_command("export_plan", "nothing")


@pytest.mark.django_db
def test_import_plan_if_missing_leaves_an_existing_plan_alone(tmp_path, capsys):
    import_plan_file(write(tmp_path, SMALL_PLAN))
    IndicatorValue.objects.filter(fiscal_year=2020).update(value=Decimal("50"))

    call_command("import_plan", "--if-missing", str(write(tmp_path, SMALL_PLAN)))

    assert IndicatorValue.objects.get(fiscal_year=2020).value == Decimal("50")
    assert "すでにある" in capsys.readouterr().out


# --- broken files: one line naming the place, and nothing changed ----------------------------------------

BROKEN_FILES = {
    "bad YAML": (
        SMALL_PLAN.replace("title: 小さな計画", "title: [小さな計画"),
        ["YAML として読み取れません"],
    ),
    "unknown key": (
        SMALL_PLAN.replace("      unit: ％\n", "      unit: ％\n      colour: red\n"),
        ["18行目", "policies[0].measures[0].indicators[0].colour", "知らないキー「colour」"],
    ),
    "text where a number belongs": (
        SMALL_PLAN.replace("2021: 92.43}", "2021: 九十二}"),
        [
            "21行目",
            "policies[0].measures[0].indicators[0].actuals.2021",
            "数値を書いてください",
            "「九十二」",
        ],
    ),
    "number with its unit": (
        SMALL_PLAN.replace("value: 95.1}", "value: 95.1％}"),
        ["policies[0].measures[0].indicators[0].baseline.value", "単位は unit に書きます"],
    ),
    "actual in a year outside the plan": (
        SMALL_PLAN.replace("{2020: 91.8,", "{2019: 91.8,"),
        ["21行目", "actuals.2019", "2019年度は計画期間（2020～2024年度）の範囲外です"],
    ),
    "narrative in a year outside the plan": (
        SMALL_PLAN.replace("{fy: 2021, section: issues", "{fy: 2025, section: issues"),
        ["policies[0].measures[0].narratives[2].fy", "2025年度は計画期間（2020～2024年度）の範囲外です"],
    ),
    "duplicate code": (
        SMALL_PLAN.replace("code: 1-1-2", "code: 1-1-1"),
        [
            "22行目",
            "policies[0].measures[0].indicators[1]",
            "指標コード「1-1-1」が計画の中で2回使われています",
        ],
    ),
    "duplicate key": (
        SMALL_PLAN.replace("      unit: ％\n", "      unit: ％\n      unit: 人\n"),
        ["18行目", "キー「unit」が2回書かれています"],
    ),
    "missing key": (
        SMALL_PLAN.replace("      unit: 件\n", ""),
        ["policies[0].measures[0].indicators[1]", "キー「unit」がありません"],
    ),
    "unknown direction": (
        SMALL_PLAN.replace("direction: decrease", "direction: down"),
        ["policies[0].measures[0].indicators[1].direction", "「down」"],
    ),
    "too many decimals": (
        SMALL_PLAN.replace("2021: 92.43}", "2021: 92.43219}"),
        ["actuals.2021", "小数点以下は4桁までにしてください（92.43219）"],
    ),
    "narrative about another measure's indicator": (
        SMALL_PLAN.replace("indicator: 1-1-1, text: 検討", "indicator: 9-9-9, text: 検討"),
        ["narratives[2].indicator", "指標コード「9-9-9」の成果指標がありません"],
    ),
    "unknown section": (
        SMALL_PLAN.replace("section: issues", "section: problems"),
        ["narratives[2].section", "「problems」"],
    ),
    "duplicate policy number": (
        SMALL_PLAN + "- number: 1\n  title: 重複\n",
        ["policies[1]", "基本方針の番号 1 が2回使われています"],
    ),
    "plan that ends before it starts": (
        SMALL_PLAN.replace("end_fy: 2024", "end_fy: 2019"),
        ["end_fy", "終了年度（2019）が開始年度（2020）より前です"],
    ),
    "grading method unknown": (
        SMALL_PLAN.replace("end_fy: 2024\n", "end_fy: 2024\ngrading: {method: stars}\n"),
        ["grading.method", "「stars」"],
    ),
    "achievement grading without bands": (
        SMALL_PLAN.replace("end_fy: 2024\n", "end_fy: 2024\ngrading: {method: achievement}\n"),
        ["grading.method", "「達成率の区分で評価」には評価区分が1つ以上必要です"],
    ),
    "grading bands out of order": (
        SMALL_PLAN.replace("end_fy: 2024\n", "end_fy: 2024\n" + GRADING.replace("min: 90", "min: 120")),
        ["grading.bands[1]", "大きい順"],
    ),
    "negative tolerance": (
        SMALL_PLAN.replace("      actuals: {}\n", "      actuals: {}\n      tolerance: -1\n"),
        ["indicators[1].tolerance", "0以上"],
    ),
    "a responsible organisation the plan does not name": (
        SMALL_PLAN.replace("end_fy: 2024\n", "end_fy: 2024\norganisations: [熊本市]\n").replace(
            "    title: 担い手の確保\n", "    title: 担い手の確保\n    organisation: 熊本市社協\n"
        ),
        ["measures[0].organisation", "担当組織「熊本市社協」は計画の organisations にありません", "熊本市"],
    ),
    "an organisation named twice": (
        SMALL_PLAN.replace("end_fy: 2024\n", "end_fy: 2024\norganisations: [熊本市, 熊本市]\n"),
        ["organisations[1]", "組織「熊本市」が2回書かれています"],
    ),
    "empty file": ("", ["ファイルが空です"]),
    "a list instead of a plan": ("- a\n- b\n", ["キーと値の組"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BROKEN_FILES))
def test_a_broken_plan_file_names_the_place_and_changes_nothing(case, tmp_path):
    import_plan_file(write(tmp_path, SMALL_PLAN.replace("title: 小さな計画", "title: 元の計画")))
    before = database_snapshot()
    text, expected_parts = BROKEN_FILES[case]

    message = import_error(tmp_path, text)

    for part in expected_parts:
        assert part in message
    assert database_snapshot() == before


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "sjis.yaml"
    path.write_bytes(SMALL_PLAN.encode("shift_jis"))

    with pytest.raises(CommandError, match="文字コードが UTF-8 ではありません"):
        call_command("import_plan", str(path))
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_is_refused_with_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="ファイルが見つかりません"):
        call_command("import_plan", str(tmp_path / "nothing.yaml"))


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_back_everything(tmp_path, monkeypatch):
    original = planfile._save_indicator

    def fail_on_second_indicator(plan, measure, data, *rest):
        if data.code == "1-1-2":
            raise IntegrityError("simulated failure")
        return original(plan, measure, data, *rest)

    monkeypatch.setattr(planfile, "_save_indicator", fail_on_second_indicator)

    with pytest.raises(PlanFileError, match="データベースに保存できませんでした"):
        import_plan_file(write(tmp_path, SMALL_PLAN))
    assert database_snapshot() == ([], [], [], [], [], [])


def test_parse_plan_reads_numbers_as_exact_decimals_not_floats():
    data = parse_plan(SMALL_PLAN)

    indicator = data.policies[0].measures[0].indicators[0]
    assert indicator.actuals == {2020: Decimal("91.8"), 2021: Decimal("92.43")}
    assert isinstance(indicator.baseline.value, Decimal)


@pytest.mark.django_db
def test_export_writes_the_working_data_that_import_reads_back_drafts_included(tmp_path):
    plan, _ = import_plan_file(write(tmp_path, SMALL_PLAN))
    IndicatorValue.objects.filter(fiscal_year=2021).update(value=Decimal("99"))  # a draft, not yet published
    Narrative.objects.filter(text="検討していく。").update(text="下書きの文")

    exported = dump_plan(plan)

    assert "actuals: {2020: 91.8, 2021: 99}" in exported
    assert "下書きの文" in exported
    assert "検討していく。" not in exported


# --- Limits: the same rules and messages as the admin's forms -------------------------------------------


def with_grading(bands: str) -> str:
    return SMALL_PLAN.replace(
        "end_fy: 2024\n", "end_fy: 2024\ngrading:\n  method: achievement\n  bands:\n" + bands
    )


@pytest.mark.django_db
def test_a_band_minimum_beyond_what_the_database_column_holds_is_refused_and_nothing_is_saved(tmp_path):
    # min_rate holds 8 digits, 2 after the point: at most 6 before it. 1234567 imported and broke every page.
    message = import_error(
        tmp_path,
        with_grading("  - {min: 1234567, mark: ◎, label: 達成}\n  - {min: null, mark: ×, label: 未達}\n"),
    )

    assert "grading.bands[0].min" in message and "6 桁" in message
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_two_bands_with_the_same_mark_are_refused(tmp_path):
    message = import_error(
        tmp_path,
        with_grading("  - {min: 100, mark: ○, label: 達成}\n  - {min: null, mark: ○, label: 未達}\n"),
    )

    assert "記号「○」が2つの区分で使われています。" in message
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_more_than_twenty_bands_are_refused(tmp_path):
    bands = "".join(f"  - {{min: {100 - n}, mark: '{n}', label: 区分{n}}}\n" for n in range(21))

    message = import_error(tmp_path, with_grading(bands))

    assert "評価区分は20個までです（21個あります）。" in message


@pytest.mark.django_db
def test_a_narrative_over_2000_characters_is_refused_with_the_admins_message(tmp_path):
    long = "あ" * 2001
    message = import_error(tmp_path, SMALL_PLAN.replace("text: 研修を実施した。", f"text: {long}"))

    assert "取組内容は1項目2,000文字以内にしてください（2001文字あります）。" in message
    field = Narrative._meta.get_field("text")
    with pytest.raises(Exception) as refused:
        field.run_validators(long)  # what the admin's form runs
    assert "取組内容は1項目2,000文字以内にしてください（2001文字あります）。" in str(refused.value)


@pytest.mark.django_db
def test_a_narrative_of_exactly_2000_characters_is_accepted(tmp_path):
    plan, _ = import_plan_file(
        write(tmp_path, SMALL_PLAN.replace("text: 研修を実施した。", "text: " + "あ" * 2000))
    )

    assert Narrative.objects.filter(measure__policy__plan=plan, text="あ" * 2000).exists()


@pytest.mark.django_db
def test_a_plan_file_over_2_mb_is_refused_before_it_is_read(tmp_path):
    padding = "# " + "x" * 1000 + "\n"
    path = write(tmp_path, SMALL_PLAN + padding * 2200)  # about 2.2 MB

    with pytest.raises(
        CommandError, match=r"ファイルが大きすぎます（2\.\d MB）。計画ファイルは2 MB までです。"
    ):
        call_command("import_plan", str(path))
    assert not Plan.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("replace", "message"),
    [
        (
            ("actuals: {2020: 91.8, 2021: 92.43}", "actuals: {2020: 91.8, 2021: 120}"),
            "割合（％）は100以下で入力してください。",
        ),
        (
            ("baseline: {fy: 2018, value: 95.1}", "baseline: {fy: 2018, value: -1}"),
            "％の値は0以上で入力してください。",
        ),
        (("      actuals: {}\n", "      actuals: {2020: -3}\n"), "件の値は0以上で入力してください。"),
    ],
)
def test_a_value_its_unit_cannot_have_is_refused_with_the_admins_message(tmp_path, replace, message):
    error = import_error(tmp_path, SMALL_PLAN.replace(*replace))

    assert message in error
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_a_percentage_over_100_is_accepted_where_the_indicator_may_exceed_100_and_round_trips(tmp_path):
    text = SMALL_PLAN.replace(
        "      actuals: {2020: 91.8, 2021: 92.43}\n",
        "      actuals: {2020: 91.8, 2021: 120}\n      may_exceed_100: true\n",
    )

    plan, _ = import_plan_file(write(tmp_path, text))

    indicator = Indicator.objects.get(plan=plan, code="1-1-1")
    assert indicator.may_exceed_100 and indicator.actuals()[2021] == 120
    assert "      may_exceed_100: true\n" in dump_plan(plan)


@pytest.mark.django_db
def test_the_admin_refuses_a_target_the_unit_cannot_have_with_the_same_message(tmp_path):
    from django.core.exceptions import ValidationError

    plan, _ = import_plan_file(write(tmp_path, SMALL_PLAN))
    indicator = Indicator.objects.get(plan=plan, code="1-1-2")  # 件
    indicator.target_fy, indicator.target_value = 2024, Decimal("-5")

    with pytest.raises(ValidationError) as refused:
        indicator.full_clean()
    assert refused.value.message_dict["target_value"] == ["件の値は0以上で入力してください。"]
