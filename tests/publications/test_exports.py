"""The Excel report, read back with openpyxl, and printed by a real spreadsheet program (LibreOffice Calc).

Expected figures are worked out by hand from fixtures/kumamoto_4th_plan.yaml, e.g. 1-1-1 at FY2021:
達成率 92.43 / 100 = 0.9243; 進捗率 (92.43 − 95.1) / (100 − 95.1) = −2.67 / 4.9 = −0.54490; worse than the
baseline → × 後退.
"""

import html
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from openpyxl.chart import BarChart

from plans import linebreaks
from plans.models import GradeBand
from publications.drafts import working_document
from publications.exports import build_report
from publications.progress import load
from tests.factories import (
    make_indicator,
    make_measure,
    make_narrative,
    make_plan,
    make_policy,
    publish,
    shown,
)

EXPORTED_ON = date(2024, 5, 1)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # the printed report, to look at
SHEETS = ["概要", "成果指標一覧", "中間評価", "基本方針Ⅰ", "基本方針Ⅱ", "基本方針Ⅲ"]
POLICY_SHEETS = SHEETS[3:]
LIST_HEADERS = [
    "コード",
    "基本方針",
    "取組",
    "成果指標",
    "単位",
    "方向",
    "基準値の年度",
    "基準値",
    "R2（2020）",
    "R3（2021）",  # no columns for the years after the one reported
    "目標値の年度",
    "目標値",
    "達成率",
    "進捗率",
    "記号",
    "評価",
]
NOTE = (
    "※新型コロナウイルス対策として、活動助成の要件（人数や活動頻度など）を緩和した。"
    "また、自粛期間中に自宅で取り組める運動を紹介するリーフレットや、交換日記（南区）を作成し配布した。"
)


def workbook(plan, fy):
    """The report of plan's publication for fy; for a plan the test has not published, of the would-be
    publication built from its working data (the same document publishing would store)."""
    progress = shown(plan, fy) if plan.publications.filter(fiscal_year=fy).exists() else drafted(plan, fy)
    return load_workbook(BytesIO(build_report(progress, exported_on=EXPORTED_ON)))


def drafted(plan, fy):
    return load(working_document(plan, fy))


@pytest.fixture
def report_2021(kumamoto_plan):
    return workbook(kumamoto_plan, 2021)


def list_row(wb, code):
    """The 成果指標一覧 row of one indicator as {header: cell}."""
    ws = wb["成果指標一覧"]
    headers = [cell.value for cell in ws[2]]
    row = next(row for row in ws.iter_rows(min_row=3) if row[0].value == code)
    return dict(zip(headers, row, strict=True))


def overview_counts(wb):
    """{"基本方針Ⅰ": {"◎ 達成": 0, …, "計": 3}, …, "計画全体": {…}} from the table on 概要."""
    ws = wb["概要"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "基本方針" and row[1] == "名称")
    table = {}
    for row in rows[header + 1 :]:
        table[row[0]] = dict(zip(rows[header][2:], row[2:], strict=True))
        if row[0] == "計画全体":
            return table
    raise AssertionError("no 計画全体 row")


def texts(ws):
    return [cell.value for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]


def bullets(text: str) -> list[str]:
    """The bullets of a narrative cell, each as written: the cell breaks them into printed lines, and a
    bullet starts at a line that begins with 「・」 or 「※」."""
    found: list[str] = []
    for line in text.split("\n") if text else []:
        if line.startswith(("・", "※")) or not found:
            found.append(line)
        else:
            found[-1] += line
    return found


def narrative_years(ws) -> list[tuple[str, str, str]]:
    """(year, 主な取組, 課題・改善事項・方針) per measure and year, a year continued on the next page
    (「令和2年度\n（続き）」) joined to its start."""
    years: list[list[str]] = []
    for label, initiatives, issues, *_ in ws.iter_rows(values_only=True):
        if not str(label).startswith("令和"):
            continue
        year, *continued = label.split("\n")
        if continued and years and years[-1][0] == year:
            years[-1][1] += "\n" + (initiatives or "")
            years[-1][2] += "\n" + (issues or "")
        else:
            years.append([year, initiatives or "", issues or ""])
    return [tuple(year) for year in years]


def all_bullets(ws) -> list[str]:
    return [bullet for year in narrative_years(ws) for text in year[1:] for bullet in bullets(text.strip())]


# --- The workbook ----------------------------------------------------------------------------------------


def test_the_report_has_an_overview_a_list_and_one_sheet_per_basic_policy(report_2021):
    assert report_2021.sheetnames == SHEETS


def test_the_workbook_properties_name_the_plan_the_year_and_the_export_date(report_2021):
    properties = report_2021.properties

    assert (
        properties.title
        == "第４次熊本市地域福祉計画・地域福祉活動計画 成果指標の進捗状況（令和3年度（2021年度）末時点）"
    )
    assert properties.subject
    assert properties.creator
    assert properties.created == datetime(2024, 5, 1)


def test_every_sheet_prints_on_a4_landscape_one_page_wide_with_titles_and_page_numbers(report_2021):
    for ws in report_2021:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9, ws.title  # A4
        assert ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        assert ws.print_title_rows, ws.title
        assert ws.oddFooter.center.text == "&P / &N", ws.title
        assert ws.oddFooter.left.text == "第４次熊本市地域福祉計画・地域福祉活動計画", ws.title
    assert report_2021["概要"].print_title_rows == "$1:$1"
    assert report_2021["成果指標一覧"].print_title_rows == "$1:$2"
    assert report_2021["基本方針Ⅰ"].print_title_rows == "$1:$2"


def test_no_sheet_has_merged_cells(report_2021):
    for ws in report_2021:
        assert not ws.merged_cells.ranges, ws.title


# --- 概要 ------------------------------------------------------------------------------------------------


def test_the_overview_states_the_plan_its_period_and_the_as_of_year(report_2021):
    ws = report_2021["概要"]
    facts = {row[0]: row[1] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}

    assert ws["A1"].value == "第４次熊本市地域福祉計画・地域福祉活動計画"
    assert facts["基本理念"] == "だれもが「おたがいさま」で支え合う協働のまちづくり"
    assert facts["計画期間"] == "令和2年度（2020年度）～令和6年度（2024年度）"
    assert facts["評価時点"] == "令和3年度（2021年度）末時点"
    assert facts["出力日"] == datetime(2024, 5, 1)


def test_the_overview_counts_grades_per_basic_policy_at_fy2021(report_2021):
    counts = overview_counts(report_2021)

    scale = ["◎ 達成", "○ 順調", "△ 遅れ", "× 後退", "－ 評価対象外", "計"]
    assert list(counts["基本方針Ⅰ"]) == scale
    assert list(counts["基本方針Ⅰ"].values()) == [0, 0, 0, 3, 0, 3]
    assert list(counts["基本方針Ⅱ"].values()) == [0, 1, 0, 2, 0, 3]
    assert list(counts["基本方針Ⅲ"].values()) == [1, 1, 0, 2, 0, 4]
    assert list(counts["計画全体"].values()) == [1, 2, 0, 7, 0, 10]


def test_the_overview_charts_the_grade_counts_as_a_stacked_bar_chart_with_visible_axes(report_2021):
    charts = report_2021["概要"]._charts

    assert len(charts) == 1
    chart = charts[0]
    assert isinstance(chart, BarChart)
    assert chart.grouping == "stacked"
    assert len(chart.series) == 5  # one per grade of the scale
    assert chart.x_axis.delete is False
    assert chart.y_axis.delete is False


@pytest.mark.django_db
def test_the_overview_uses_the_plans_own_grade_bands():
    plan = make_plan(grading_method="achievement")
    for position, (min_rate, mark, label) in enumerate(
        [(100, "◎", "順調"), (80, "○", "概ね順調"), (None, "×", "遅れている")], 1
    ):
        GradeBand.objects.create(plan=plan, position=position, min_rate=min_rate, mark=mark, label=label)
    measure = make_measure(make_policy(plan))
    make_indicator(measure, code="1-1-1", target=(2024, 100), actuals={2021: 85})

    counts = overview_counts(workbook(plan, 2021))

    assert counts["基本方針Ⅰ"] == {
        "◎ 順調": 0,
        "○ 概ね順調": 1,
        "× 遅れている": 0,
        "－ 評価対象外": 0,
        "計": 1,
    }


# --- 成果指標一覧 -------------------------------------------------------------------------------------------


def test_the_list_has_one_column_per_field_and_per_year_of_the_plan(report_2021):
    ws = report_2021["成果指標一覧"]

    assert [cell.value for cell in ws[2]] == LIST_HEADERS
    assert [row[0] for row in ws.iter_rows(min_row=3, values_only=True)] == [
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


def test_the_list_row_of_1_1_1_keeps_numbers_as_numbers_with_their_two_decimals(report_2021):
    row = list_row(report_2021, "1-1-1")

    assert row["基本方針"].value == "Ⅰ 地域力強化のための人材の確保・育成"
    assert row["取組"].value == "1-1 支え合い活動推進の核となる人材の確保"
    assert row["成果指標"].value == "民生委員・児童委員、主任児童委員の定員充足率"
    assert (row["単位"].value, row["方向"].value) == ("％", "増やす")
    assert (row["基準値の年度"].value, row["基準値"].value) == ("H30（2018）", 95.1)
    assert row["R2（2020）"].value == 91.8
    assert row["R3（2021）"].value == 92.43
    assert isinstance(row["R3（2021）"].value, float)
    assert row["R3（2021）"].data_type == "n"
    # Each number as the source writes it: 95.1, 91.8, 92.43, 100.
    formats = [row[header].number_format for header in ["基準値", "R2（2020）", "R3（2021）", "目標値"]]
    assert formats == ["#,##0.0", "#,##0.0", "#,##0.00", "#,##0"]
    assert "R4（2022）" not in row
    assert (row["目標値の年度"].value, row["目標値"].value) == ("R6（2024）", 100)
    assert row["達成率"].value == pytest.approx(0.924)  # 92.43％, rounded once to 92.4％ as it is graded
    assert row["達成率"].number_format == "0.0%"
    assert row["進捗率"].value == pytest.approx(-0.545)  # -2.67 / 4.9 = -54.49…％ → -54.5％
    assert row["進捗率"].number_format == "0.0%"
    assert (row["記号"].value, row["評価"].value) == ("×", "後退")


def test_the_list_row_of_3_1_1_shows_whole_numbers_and_a_rate_over_100_percent(kumamoto_plan):
    row = list_row(workbook(kumamoto_plan, 2020), "3-1-1")

    assert row["R2（2020）"].value == 5233
    assert row["R2（2020）"].number_format == "#,##0"
    assert "R3（2021）" not in row  # not yet known at the end of FY2020: no column
    assert row["目標値"].value == 1200
    assert row["達成率"].value == pytest.approx(4.361)  # 5233 / 1200 = 436.08…％ → 436.1％
    assert row["進捗率"].value == pytest.approx(6.633)  # (5233 − 484) / (1200 − 484) = 663.27…％ → 663.3％
    assert (row["記号"].value, row["評価"].value) == ("◎", "達成")


def test_the_list_row_of_3_1_1_at_fy2021_uses_that_years_actual(report_2021):
    row = list_row(report_2021, "3-1-1")

    assert (row["R2（2020）"].value, row["R3（2021）"].value) == (5233, 3894)
    assert row["達成率"].value == pytest.approx(3.245)  # 3894 / 1200


def test_an_indicator_without_a_baseline_shows_nashi_and_an_empty_value(report_2021):
    row = list_row(report_2021, "2-1-2")

    assert row["基準値の年度"].value == "なし"
    assert row["基準値"].value is None
    assert (row["R2（2020）"].value, row["R3（2021）"].value) == (71.1, 45.9)
    assert row["R3（2021）"].number_format == "#,##0.0"
    # Measured from the first actual instead: (45.9 − 71.1) / (100 − 71.1).
    assert row["進捗率"].value == pytest.approx(-0.872)  # -87.19…％ → -87.2％


def test_the_list_freezes_its_header_and_filters_the_whole_table(report_2021):
    ws = report_2021["成果指標一覧"]

    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:P12"  # 16 columns: the years R2 and R3


def test_the_list_columns_are_as_wide_as_their_japanese_text(report_2021):
    ws = report_2021["成果指標一覧"]

    # 方向: "増やす" is three wide characters, six columns, plus a margin of two.
    assert ws.column_dimensions["F"].width == 8
    # 成果指標: long names wrap within a bounded width instead of widening the printed page.
    assert 24 <= ws.column_dimensions["D"].width <= 40
    assert ws["D3"].alignment.wrap_text is True


# --- 基本方針Ⅰ… ------------------------------------------------------------------------------------------


def test_each_policy_sheet_has_a_bar_chart_per_indicator(report_2021):
    assert [len(report_2021[name]._charts) for name in POLICY_SHEETS] == [3, 3, 4]
    for name in POLICY_SHEETS:
        for chart in report_2021[name]._charts:
            assert isinstance(chart, BarChart)
            assert chart.x_axis.delete is False
            assert chart.y_axis.delete is False


def test_a_policy_sheet_shows_each_indicators_values_beside_its_chart(report_2021):
    ws = report_2021["基本方針Ⅰ"]
    rows = list(ws.iter_rows(values_only=True))
    first = next(i for i, row in enumerate(rows) if row[0] == "1-1-1")
    items = {row[3]: row[4] for row in rows[first : first + 7]}

    assert rows[first][1].replace("\n", "") == "民生委員・児童委員、主任児童委員の定員充足率"
    assert items["基準値（H30）"] == 95.1
    assert items["R3（2021）"] == 92.43
    assert items["目標値（R6）"] == 100
    assert items["達成率"] == pytest.approx(0.924)
    assert items["評価"] == "× 後退"


def test_policy_sheets_carry_the_narratives_with_the_note_as_written(report_2021):
    ws = report_2021["基本方針Ⅱ"]
    year = next(year for year in narrative_years(ws) if NOTE in bullets(year[1].strip()))

    assert year[0] == "令和2年度"
    assert all(
        row[1].alignment.wrap_text for row in ws.iter_rows() if str(row[0].value).startswith("令和2年度")
    )
    assert (
        "・高齢者見守り事業については、新型コロナウィルス感染拡大防止の観点から、電話や戸外からの見守りを行うなど工夫して行った。"
        in all_bullets(ws)
    )
    assert (
        "・新しい生活様式の中での地域活動支援として、ICTを利用した取り組みを加速させていく。"
        in all_bullets(ws)
    )


def test_each_year_of_a_measure_is_one_cell_per_section_beside_each_other(report_2021):
    years = narrative_years(report_2021["基本方針Ⅰ"])

    # 取組1-1 in the plan file: FY2020 has four 主な取組 and no 課題; FY2021 five and four.
    counts = [(year, len(bullets(a.strip())), len(bullets(b.strip()))) for year, a, b in years[:2]]
    assert counts == [("令和2年度", 4, 0), ("令和3年度", 5, 4)]


def test_no_line_of_a_narrative_cell_starts_with_a_closing_mark(report_2021):
    lines = [
        line
        for name in ("基本方針Ⅰ", "基本方針Ⅱ", "基本方針Ⅲ")
        for text in texts(report_2021[name])
        for line in text.split("\n")
    ]

    assert len(lines) > 200
    assert [line for line in lines if line[:1] in "、。，．）」』】！？"] == []


def test_narratives_written_after_the_as_of_year_are_left_out(kumamoto_plan):
    ws = workbook(kumamoto_plan, 2020)["基本方針Ⅱ"]

    assert NOTE in all_bullets(ws)
    assert not any("ICTを利用した取り組み" in text for text in all_bullets(ws))  # a 2021 issue


@pytest.mark.django_db
def test_a_plan_without_indicators_or_values_still_exports():
    plan = make_plan()
    measure = make_measure(make_policy(plan))
    make_indicator(measure, code="1-1-1")  # no baseline, no target, no actuals: － 評価対象外

    wb = workbook(plan, 2020)

    row = list_row(wb, "1-1-1")
    assert (row["基準値の年度"].value, row["目標値の年度"].value) == ("なし", "なし")
    assert (row["達成率"].value, row["記号"].value, row["評価"].value) == (None, "－", "評価対象外")
    assert "記載なし" in texts(wb["基本方針Ⅰ"])
    empty = workbook(make_plan(slug="empty-2", title="空の計画"), 2020)
    assert empty.sheetnames == ["概要", "成果指標一覧", "中間評価"]
    assert empty["成果指標一覧"].auto_filter.ref == "A2:O2"  # one year column, R2


# --- Public data only, in a fixed number of queries ------------------------------------------------------


@pytest.mark.django_db
def test_drafts_stay_out_of_the_report():
    plan = make_plan()
    measure = make_measure(make_policy(plan))
    indicator = make_indicator(measure, code="1-1-1", target=(2024, 100), actuals={2020: 40})
    make_narrative(measure, 2020, text="公開した取組")
    publish(plan, 2020)
    indicator.values.create(fiscal_year=2021, value=Decimal("55.5"))  # entered after publishing: a draft
    make_narrative(measure, 2020, position=2, text="まだ下書きの取組")

    wb = workbook(plan, 2020)

    row = list_row(wb, "1-1-1")
    assert row["R2（2020）"].value == 40 and "R3（2021）" not in row
    assert row["R2（2020）"].number_format == "#,##0"  # the draft's decimal does not count either
    assert "・公開した取組" in texts(wb["基本方針Ⅰ"])
    assert not any("下書き" in text for text in texts(wb["基本方針Ⅰ"]))


@pytest.mark.django_db
def test_the_report_is_built_from_the_publication_alone_without_a_query():
    plan = make_plan()
    measure = make_measure(make_policy(plan))
    make_narrative(measure, 2020)
    for i in range(6):
        make_indicator(measure, code=f"1-1-{i}", target=(2024, 10), actuals={2020: i})
    publish(plan, 2020)
    progress = shown(plan, 2020)

    with CaptureQueriesContext(connection) as context:
        build_report(progress, exported_on=EXPORTED_ON)

    assert len(context) == 0


# --- The command ---------------------------------------------------------------------------------------


def test_export_report_writes_the_workbook_to_the_given_file(kumamoto_plan, tmp_path, capsys):
    path = tmp_path / "report.xlsx"

    call_command("export_report", kumamoto_plan.slug, "--fy", "2021", "-o", str(path))

    assert load_workbook(path).sheetnames == SHEETS
    assert "令和3年度（2021年度）末時点" in capsys.readouterr().out


def test_export_report_reads_the_year_in_the_era_calendar_too(kumamoto_plan, tmp_path):
    path = tmp_path / "r3.xlsx"

    call_command("export_report", kumamoto_plan.slug, "--fy", "R3", "-o", str(path))

    facts = {row[0]: row[1] for row in load_workbook(path)["概要"].iter_rows(values_only=True)}
    assert facts["評価時点"] == "令和3年度（2021年度）末時点"


@pytest.mark.django_db
def test_export_report_refuses_an_unknown_plan(tmp_path):
    with pytest.raises(CommandError, match="slug「nothing」の計画はありません"):
        call_command("export_report", "nothing", "--fy", "2021", "-o", str(tmp_path / "x.xlsx"))


def test_export_report_refuses_a_year_outside_the_plan(kumamoto_plan, tmp_path):
    with pytest.raises(CommandError, match="2030年度は計画期間（2020～2024年度）の外です"):
        call_command("export_report", kumamoto_plan.slug, "--fy", "2030", "-o", str(tmp_path / "x.xlsx"))


def test_export_report_refuses_a_year_it_cannot_read(kumamoto_plan, tmp_path):
    with pytest.raises(CommandError, match="年度として読み取れません"):
        call_command("export_report", kumamoto_plan.slug, "--fy", "来年", "-o", str(tmp_path / "x.xlsx"))


# --- Printed by LibreOffice Calc -----------------------------------------------------------------------


def required_program(name):
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"{name} is not installed: this test prints the report with a real spreadsheet program. "
            "Install it with `apt-get install -y libreoffice-calc poppler-utils`."
        )
    return path


def printed_by_libreoffice(source: Path, folder: Path) -> Path:
    """The workbook `source` printed to PDF by LibreOffice Calc (a profile of its own in `folder`)."""
    result = subprocess.run(
        [
            required_program("libreoffice"),
            f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = folder / f"{source.stem}.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stdout + result.stderr
    return pdf


def test_libreoffice_prints_every_sheet_one_landscape_a4_page_wide(kumamoto_plan, tmp_path):
    pdfinfo, pdftotext = required_program("pdfinfo"), required_program("pdftotext")
    source = tmp_path / "report.xlsx"
    source.write_bytes(build_report(shown(kumamoto_plan, 2021), exported_on=EXPORTED_ON))

    pdf = printed_by_libreoffice(source, tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "report-2021.pdf")

    info = subprocess.run([pdfinfo, "-f", "1", "-l", "1000", str(pdf)], capture_output=True, text=True).stdout
    sizes = re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info)
    assert sizes
    for width, height in sizes:
        assert (round(float(width)), round(float(height))) == (842, 595)  # A4 landscape
    pages = [
        subprocess.run(
            [pdftotext, "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True
        ).stdout
        for n in range(1, len(sizes) + 1)
    ]

    def page_with(text):
        return next(page for page in pages if text in page)

    # Each check names a cell of the first column and one of the last: on one page, nothing was cut off.
    overview = page_with("計画全体")
    assert "－ 評価対象外" in overview and "10" in overview
    listing = page_with("記号")
    assert "コード" in listing
    assert "3-3-1" in listing and "1,555" in listing and "-11.7%" in listing
    assert len([page for page in pages if "成果指標一覧" in page and "記号" in page]) == 1
    policy = page_with("取組3-3")
    assert "3-3-1" in policy and "「赤い羽根共同募金」を行った団体数" in policy and "× 後退" in policy
    assert any(
        NOTE[:16] in page for page in pages
    )  # 「※新型コロナウイルス対策として、」: the note's first line

    # Printed as a Japanese report: no serif font beside the Japanese, no line starting with 「、」 or 「。」,
    # and the list of indicators at 8 points or more.
    fonts = subprocess.run([required_program("pdffonts"), str(pdf)], capture_output=True, text=True).stdout
    names = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]]
    assert names and not [name for name in names if "Serif" in name or "Times" in name or "Mincho" in name]
    boxes = subprocess.run([pdftotext, "-bbox-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    firsts = [html.unescape(words[0]) for words in map(WORD.findall, LINE.findall(boxes)) if words]
    assert len(firsts) > 500
    assert [first for first in firsts if linebreaks.starts_badly(first)] == []
    assert min(listing_word_heights(pdftotext, pdf, pages)) >= 8 * 0.7  # a glyph box is 0.7 of the size


LINE = re.compile(r"<line[^>]*>(.*?)</line>", re.DOTALL)
WORD = re.compile(r"<word[^>]*>(.*?)</word>")
BOX = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>')


def listing_word_heights(pdftotext, pdf, pages) -> list[float]:
    """The heights of the words of the 成果指標一覧 page's table (its indicator codes and names)."""
    number_ = next(n for n, page in enumerate(pages, 1) if "成果指標一覧" in page and "記号" in page)
    page = subprocess.run(
        [pdftotext, "-bbox", "-f", str(number_), "-l", str(number_), str(pdf), "-"],
        capture_output=True,
        text=True,
    ).stdout
    return [
        float(bottom) - float(top) for top, bottom, word in BOX.findall(page) if re.match(r"\d-\d-\d", word)
    ]


def test_an_indicator_chart_of_a_rate_stops_its_axis_at_100_percent(kumamoto_plan):
    report = build_report(shown(kumamoto_plan, 2021), exported_on=EXPORTED_ON)
    with zipfile.ZipFile(BytesIO(report)) as archive:
        charts = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/charts/")]

    def axis_max(code):
        chart = next(chart for chart in charts if f"<v>{code}</v>" in chart)
        return re.findall(r'<max val="([^"]+)"', chart)

    # 1-1-1, 2-1-2 and 3-2-1 are rates in ％ with every value at or below 100; 3-1-1 is a count.
    assert [axis_max(code) for code in ("1-1-1", "2-1-2", "3-2-1", "3-1-1")] == [
        ["100"],
        ["100"],
        ["100"],
        [],
    ]
