"""The Excel and PDF reports built in English: the en/ copies of a publication's reports, and the commands'
--lang en.

Expected values are written by hand from fixtures/kumamoto_4th_plan.yaml, e.g. 1-1-2 at FY2021: name_en
"Number of registered volunteers and others matched with community welfare activities (per year)", unit_en
"people", baseline 98 (FY2018), actuals 7 (FY2020) and 11 (FY2021), target 640 (FY2024); 達成率 11 / 640 =
1.7%; progress (11 − 98) / (640 − 98) = −87 / 542 = −16.1%; below its baseline → × 後退, "Declined"; the
mid-term grade D (worse by more than ±5%: (11 − 98) / 98 = −88.8%), "Worse".
"""

import re
import shutil
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from publications import artifacts, report_pdf
from publications.exports import build_report
from publications.models import Publication
from publications.progress import load
from publications.report_pdf import Publisher, build_pdf, report_context
from tests.publications.test_exports import printed_by_libreoffice, required_program

EXPORTED_ON = date(2024, 5, 1)
PUBLISHER = Publisher(date(2022, 6, 1))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # the printed reports, to look at
PLAN_TITLE = "The 4th Kumamoto City Regional Welfare Plan and Regional Welfare Activity Plan"
NAME_1_1_2 = "Number of registered volunteers and others matched with community welfare activities (per year)"
SHEETS = [
    "Overview",
    "All indicators",
    "Mid-term evaluation",
    "Basic policy Ⅰ",
    "Basic policy Ⅱ",
    "Basic policy Ⅲ",
]
LIST_HEADERS = [
    "Code",
    "Basic policy",
    "Measure",
    "Indicator",
    "Unit",
    "Direction",
    "Baseline year",
    "Baseline",
    "FY2020",
    "FY2021",
    "Target year",
    "Target",
    "Achievement",
    "Progress",
    "Mark",
    "Grade",
]


def document_2021(plan) -> dict:
    return Publication.objects.current(plan, 2021).document()


def english_progress(plan):
    """FY2021 as the English pages read it: loaded under English, so that the reasons are English."""
    with translation.override("en"):
        return load(document_2021(plan))


def english_workbook_bytes(plan) -> bytes:
    progress = english_progress(plan)
    with translation.override("en"):
        return build_report(progress, exported_on=EXPORTED_ON)


@pytest.fixture
def english(kumamoto_plan):
    return load_workbook(BytesIO(english_workbook_bytes(kumamoto_plan)))


@pytest.fixture
def japanese(kumamoto_plan):
    return load_workbook(BytesIO(build_report(load(document_2021(kumamoto_plan)), exported_on=EXPORTED_ON)))


def rows_of(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def list_row(wb, code) -> dict:
    """The All indicators row of one indicator as {header: value}."""
    rows = rows_of(wb["All indicators"])
    return dict(zip(rows[1], next(row for row in rows[2:] if row[0] == code), strict=True))


def numbers_at(ws) -> dict[str, float]:
    return {
        cell.coordinate: cell.value
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
    }


def run(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=300).stdout


def font_names(pdf: Path) -> list[str]:
    """The fonts pdffonts lists, without their subset prefix ("BAAAAA+LiberationSans" → "LiberationSans")."""
    return [
        line.split()[0].split("+")[-1]
        for line in run(required_program("pdffonts"), str(pdf)).splitlines()[2:]
    ]


# --- The English workbook --------------------------------------------------------------------------------


def test_the_english_workbook_has_english_sheet_names_that_excel_accepts(english):
    assert english.sheetnames == SHEETS
    for name in english.sheetnames:
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)


def test_the_english_overview_states_the_plan_in_english_with_english_years(english):
    rows = rows_of(english["Overview"])
    facts = {row[0]: row[1] for row in rows if row[0] and row[1] is not None}

    assert rows[0][0] == PLAN_TITLE
    assert facts["Basic philosophy"].startswith("Building our city together, where everyone supports one")
    assert facts["Plan period"] == "FY2020 (Reiwa 2) – FY2024 (Reiwa 6)"
    assert facts["Point of evaluation"] == "As of the end of FY2021 (Reiwa 3)"
    assert facts["Number of indicators"] == "10 indicators"
    assert english["Overview"]["B7"].number_format == "d mmmm yyyy"  # 1 May 2024
    header = next(row for row in rows if row[0] == "Basic policy")
    assert header[:8] == (
        "Basic policy",
        "Title",
        "◎ Achieved",
        "○ On track",
        "△ Behind",
        "× Declined",
        "－ Not assessed",
        "Total",
    )
    assert (
        "Basic policy Ⅰ",
        "Finding and developing people to strengthen the community",
        0,
        0,
        0,
        3,
        0,
        3,
    ) in [row[:8] for row in rows]


def test_the_english_list_names_each_indicator_in_english_with_its_english_unit_and_grade(english):
    row = list_row(english, "1-1-2")

    assert list(row) == LIST_HEADERS
    assert row["Indicator"] == NAME_1_1_2
    assert row["Measure"] == "1-1 Finding the core people who lead mutual-support activities"
    assert row["Basic policy"] == "Ⅰ Finding and developing people to strengthen the community"
    assert (row["Unit"], row["Direction"], row["Baseline year"], row["Target year"]) == (
        "people",
        "Increase",
        "FY2018",
        "FY2024",
    )
    assert (row["Baseline"], row["FY2020"], row["FY2021"], row["Target"]) == (98, 7, 11, 640)
    # 11 / 640 = 1.72% and −87 / 542 = −16.05%, to the one decimal the evaluation keeps
    assert (row["Achievement"], row["Progress"]) == (pytest.approx(0.017), pytest.approx(-0.161))
    assert (row["Mark"], row["Grade"]) == ("×", "Declined")
    assert (list_row(english, "3-1-1")["Mark"], list_row(english, "3-1-1")["Grade"]) == ("◎", "Achieved")
    assert list_row(english, "2-1-2")["Baseline year"] == "None"  # 2-1-2 has no baseline


def test_the_english_workbook_has_the_japanese_ones_numbers_cell_for_cell(english, japanese):
    for ja_sheet, en_sheet in zip(japanese.worksheets[:3], english.worksheets[:3], strict=True):
        assert numbers_at(en_sheet) == numbers_at(ja_sheet), en_sheet.title
    # A policy sheet's narratives break into other lines in English, so its rows can move: the numbers are
    # the same, in the same order.
    for ja_sheet, en_sheet in zip(japanese.worksheets[3:], english.worksheets[3:], strict=True):
        assert list(numbers_at(en_sheet).values()) == list(numbers_at(ja_sheet).values()), en_sheet.title


def test_the_english_mid_term_sheet_gives_the_grades_english_words_and_reasons(english):
    rows = rows_of(english["Mid-term evaluation"])
    grades = {row[0]: row[1] for row in rows if row[0] in {"A", "B", "B*", "C", "D", "E"} and row[1]}
    indicator = next(row for row in rows if row[0] == "1-1-2")

    assert rows[0][0] == f"Mid-term evaluation: {PLAN_TITLE} (as of the end of FY2021 (Reiwa 3))"
    assert grades["A"] == "Target reached" and grades["D"] == "Worse"
    assert (indicator[10], indicator[11]) == ("D", "Worse")
    assert indicator[8] == pytest.approx(-0.888)  # (11 − 98) / 98, as stored at publication
    assert indicator[12].replace("\n", " ") == (
        "The change from the baseline, 98 people, to the actual, 11 people, is −88.8%, worse by more than "
        "±5%, so the grade is “D”."
    )


def test_an_english_policy_sheet_heads_each_indicator_in_english_and_keeps_the_japanese_narratives(english):
    ws = english["Basic policy Ⅰ"]
    rows = rows_of(ws)
    texts = [cell for row in rows for cell in row if isinstance(cell, str)]
    first = next(number for number, row in enumerate(rows) if row[0] == "1-1-2")
    block = rows[first : first + 7]  # 基準値, two years, 目標値, 達成率, 進捗率 and 評価

    assert rows[0][0] == "Basic policy Ⅰ: Finding and developing people to strengthen the community"
    assert "Measure 1-1: Finding the core people who lead mutual-support activities" in texts
    # the name is broken into printed lines
    assert [row[1].replace("\n", " ") for row in block[:3]] == [
        NAME_1_1_2,
        "Unit: people",
        "Direction: Increase",
    ]
    assert [(row[3], row[4]) for row in block] == [
        ("Baseline (FY2018)", 98),
        ("FY2020", 7),
        ("FY2021", 11),
        ("Target (FY2024)", 640),
        ("Achievement", pytest.approx(0.017)),
        ("Progress", pytest.approx(-0.161)),
        ("Grade", "× Declined"),
    ]
    assert "The actual, 11 people, has fallen below the baseline, 98 people, so the grade is “Declined”." in [
        text.replace("\n", " ") for text in texts
    ]
    # The narratives have no English: they are shown in Japanese, under a heading that says so.
    assert "Main initiatives (Japanese only)" in texts
    assert any(
        "・パソコン・スマホからボランティア登録・募集等を依頼できるよう" in text.replace("\n", "")
        for text in texts
    )
    years = [row[0] for row in rows if str(row[0]).startswith("FY2020")]
    assert years and years[0] == "FY2020\n(Reiwa 2)"


def test_english_text_takes_a_latin_font_and_japanese_text_keeps_the_japanese_one(english):
    ws = english["Basic policy Ⅰ"]
    cells = [cell for row in ws.iter_rows() for cell in row if cell.value is not None]
    japanese = [
        cell for cell in cells if isinstance(cell.value, str) and re.search(r"[ぁ-んァ-ン一-龯]", cell.value)
    ]
    latin = [cell for cell in cells if cell not in japanese]

    assert japanese and latin
    assert {cell.font.name for cell in japanese} == {"BIZ UDPゴシック"}
    assert {cell.font.name for cell in latin} == {"Arial"}
    assert english["Overview"]["A1"].font.name == "Arial" and english["Overview"]["A1"].font.b
    assert ws.oddFooter.left.font == "Arial,Regular"  # the English title of the plan, in the page footer


def test_without_an_active_language_the_workbook_is_the_japanese_one(kumamoto_plan):
    progress = load(document_2021(kumamoto_plan))
    with translation.override(None):
        workbook = load_workbook(BytesIO(build_report(progress, exported_on=EXPORTED_ON)))

    assert workbook.sheetnames == ["概要", "成果指標一覧", "中間評価", "基本方針Ⅰ", "基本方針Ⅱ", "基本方針Ⅲ"]
    assert workbook["概要"]["A1"].font.name == "BIZ UDPゴシック"


def test_libreoffice_prints_the_english_workbook_with_a_latin_font_beside_the_japanese_one(
    kumamoto_plan, tmp_path
):
    source = tmp_path / "report-en.xlsx"
    source.write_bytes(english_workbook_bytes(kumamoto_plan))

    pdf = printed_by_libreoffice(source, tmp_path)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "report-2021-en.pdf")

    text = re.sub(r"\s+", " ", run(required_program("pdftotext"), "-layout", str(pdf), "-"))
    assert "Grades by basic policy" in text and "All indicators" in text
    assert "Number of registered volunteers" in text and "× Declined" in text
    assert "As of the end of FY2021 (Reiwa 3)" in text  # the page header
    fonts = font_names(pdf)
    assert any(name.startswith("LiberationSans") for name in fonts), fonts  # Arial, as LibreOffice prints it
    assert any("CJK" in name for name in fonts), fonts  # the Japanese of the narratives
    assert not [name for name in fonts if "Serif" in name or "Times" in name or "Mincho" in name]


# --- The English PDF report ------------------------------------------------------------------------------


@pytest.fixture
def english_pdf(kumamoto_plan, tmp_path) -> Path:
    progress = english_progress(kumamoto_plan)
    path = tmp_path / "report-2021-en.pdf"
    with translation.override("en"):
        path.write_bytes(build_pdf(progress, PUBLISHER))
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / "report-2021-pdf-en.pdf")
    return path


def test_the_english_pdf_report_is_tagged_in_english_with_english_headings_and_names(english_pdf):
    reader = PdfReader(english_pdf)
    text = re.sub(r"\s+", " ", run(required_program("pdftotext"), str(english_pdf), "-"))
    outline = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else outline.append(item.title)

    walk(reader.outline)

    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.metadata.title == f"{PLAN_TITLE}: Progress report, FY2021 (Reiwa 3)"
    assert "Basic policy Ⅰ: Finding and developing people to strengthen the community" in outline
    for heading in [
        "Progress report",
        "Outline of the plan",
        "Overview of the indicators' grades",
        "How grades are given",
        "Indicator 1-1-2: Number of registered volunteers and others matched with community welfare",
        "Main initiatives, FY2020 (Reiwa 2) (Japanese only)",
    ]:
        assert heading in text, heading
    assert "FY2018: 98 people" in text and "640 people" in text and "1.7%" in text
    assert "The actual, 11 people, has fallen below the baseline, 98 people" in text
    assert "進捗状況報告書" not in text and "基本方針" not in text  # no Japanese heading is left


def test_the_english_pdf_prints_a_latin_font_beside_the_japanese_one(english_pdf):
    fonts = font_names(english_pdf)

    assert any(name.startswith(("Liberation-Sans", "LiberationSans", "Arial")) for name in fonts), fonts
    assert any("CJK" in name or "BIZ" in name for name in fonts), fonts


def test_the_english_report_marks_the_japanese_it_shows_as_japanese(kumamoto_plan):
    progress = english_progress(kumamoto_plan)
    with translation.override("en"):
        html = render_to_string("report/progress_report.html", report_context(progress, PUBLISHER))

    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
    # The narratives have no English: each is marked Japanese, in the Japanese font.
    assert '<li class="bullet" lang="ja">パソコン・スマホからボランティア登録' in html
    assert '[lang="ja"] { font-family: "BIZ UDPGothic"' in html
    assert 'font-family: "Arial", "Liberation Sans", "BIZ UDPGothic"' in html


# --- The files of a publication and the commands ------------------------------------------------------


def test_a_publication_has_the_english_reports_beside_the_japanese_ones(kumamoto_plan, monkeypatch):
    publication = Publication.objects.current(kumamoto_plan, 2021)
    stored = load_workbook(
        BytesIO(artifacts.open_file(publication, artifacts.english(artifacts.REPORT_FILE)))
    )
    files = dict(artifacts.files_of(publication))
    # the tests' conftest keeps one PDF per document whatever the language: build this one for real
    monkeypatch.setattr(artifacts, "build_pdf", report_pdf.build_pdf)
    pdf = files["en/report.pdf"]()

    assert stored.sheetnames == SHEETS
    assert {"report.xlsx", "report.pdf", "en/report.xlsx", "en/report.pdf"} <= set(files)
    assert PdfReader(BytesIO(pdf)).trailer["/Root"]["/Lang"] == "en"
    assert translation.get_language() != "en"  # built in English, and the language put back


def test_export_report_with_lang_en_writes_an_english_workbook(kumamoto_plan, tmp_path, capsys):
    path = tmp_path / "report-en.xlsx"

    call_command("export_report", kumamoto_plan.slug, "--fy", "2021", "--lang", "en", "-o", str(path))

    workbook = load_workbook(path)
    assert workbook.sheetnames == SHEETS
    assert list_row(workbook, "1-1-2")["Indicator"] == NAME_1_1_2
    assert "令和3年度（2021年度）末時点、英語）を" in capsys.readouterr().out


def test_export_report_pdf_with_lang_en_writes_an_english_report(kumamoto_plan, tmp_path):
    path = tmp_path / "report-en.pdf"

    call_command("export_report_pdf", kumamoto_plan.slug, "--fy", "2021", "--lang", "en", "-o", str(path))

    assert PdfReader(path).trailer["/Root"]["/Lang"] == "en"


@pytest.mark.parametrize(("command", "extension"), [("export_report", "xlsx"), ("export_report_pdf", "pdf")])
def test_an_unknown_language_is_refused_in_japanese_and_nothing_is_written(
    kumamoto_plan, tmp_path, command, extension
):
    path = tmp_path / f"report.{extension}"

    with pytest.raises(
        CommandError, match=r"言語「xx」の報告書は作れません。--lang には ja（日本語）、en（英語）"
    ):
        call_command(command, kumamoto_plan.slug, "--fy", "2021", "--lang", "xx", "-o", str(path))

    assert list(tmp_path.iterdir()) == []
