"""The Excel round trip of yearly entry: the template, the preview of an upload, confirming, bad rows and files.

The world: 熊本市 enters 1-1-1 (％, 92.4 in 2021) and 1-1-2 (件, 5233 in 2021, a draft of 5100 for 2022);
熊本市社会福祉協議会 enters 2-1-1 (箇所, 120 in 2021). 2021 is published; 2022 is the year being entered, and what
staff save for it are drafts (citizens see them once a 承認者 publishes the year).
"""

import io
import re
import tracemalloc
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from indicators.models import IndicatorValue
from initiatives import entry, workbook
from initiatives.forms import MAX_UPLOAD_BYTES
from plans.models import Measure, Organisation
from publications.models import Publication
from tests.factories import make_indicator, make_plan, make_policy, make_staff, publish

FY = 2022
NOT_XLSX = "Excel ファイル（.xlsx）ではないか、ファイルが壊れています。"
TOO_BIG = "ファイルの中身が大きすぎます。入力用テンプレートをそのまま使ってください（行や列を増やさないでください）。"
CANNOT_SAVE = "誤りがあるため保存できません。Excel ファイルを直して、もう一度アップロードしてください。何も保存していません。"


@pytest.fixture
def world(db, django_user_model):
    city = Organisation.objects.create(name="熊本市")
    council = Organisation.objects.create(name="熊本市社会福祉協議会")
    plan = make_plan(slug="entry-plan", title="入力テスト計画", start_fy=2020, end_fy=2024)
    city_measure = Measure.objects.create(
        policy=make_policy(plan, number=1), number=1, title="見守りの充実", organisation=city
    )
    council_measure = Measure.objects.create(
        policy=make_policy(plan, number=2), number=1, title="サロン活動の支援", organisation=council
    )
    rate = make_indicator(
        city_measure, code="1-1-1", name="民生委員・児童委員の定員充足率", unit="％", actuals={2021: "92.4"}
    )
    consultations = make_indicator(
        city_measure, code="1-1-2", name="福祉の相談件数", unit="件", actuals={2021: "5233"}
    )
    salons = make_indicator(
        council_measure, code="2-1-1", name="ふれあい・いきいきサロンの数", unit="箇所", actuals={2021: "120"}
    )
    publish(plan, 2021)
    IndicatorValue.objects.create(indicator=consultations, fiscal_year=FY, value=Decimal("5100"))
    return SimpleNamespace(
        plan=plan,
        rate=rate,
        consultations=consultations,
        salons=salons,
        clerk=make_staff(django_user_model, "city-clerk", "田中", "入力担当", city),
        colleague=make_staff(django_user_model, "city-clerk-2", "佐藤", "入力担当", city),
        council_clerk=make_staff(django_user_model, "council-clerk", "中村", "入力担当", council),
    )


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)  # a bad file must never be a server error
    client.force_login(user)
    return client


def template_url(world, fy=FY) -> str:
    return reverse("admin:indicators_indicatorvalue_template") + f"?plan={world.plan.pk}&fy={fy}"


def import_url(world, fy=FY) -> str:
    return reverse("admin:indicators_indicatorvalue_import") + f"?plan={world.plan.pk}&fy={fy}"


def download_template(client, world, fy=FY) -> bytes:
    response = client.get(template_url(world, fy))
    assert response.status_code == 200
    return response.content


def filled_in(template: bytes, changes: dict[str, object]) -> bytes:
    """The template with cells of the 入力 sheet set ({"F5": 95.5}), saved as Excel saves it."""
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb["入力"]
    for cell, value in changes.items():
        ws[cell] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client, world, data: bytes, name="entry.xlsx", fy=FY):
    return client.post(import_url(world, fy), {"file": SimpleUploadedFile(name, data)})


def token_of(response) -> str:
    return re.search(r'name="entries" value="([^"]+)"', response.content.decode()).group(1)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def stored_2022() -> dict[str, tuple[Decimal, str]]:
    """{indicator code: (value, note)} of every stored 2022 value."""
    return {
        v.indicator.code: (v.value, v.note)
        for v in IndicatorValue.objects.filter(fiscal_year=FY).select_related("indicator")
    }


BEFORE = {"1-1-2": (Decimal("5100"), "")}


# --- The template ----------------------------------------------------------------------------------------


def test_the_template_holds_only_the_users_indicators_with_last_years_values(world):
    response = signed_in(world.clerk).get(template_url(world))

    assert response["Content-Disposition"] == 'attachment; filename="entry-plan-2022-entry.xlsx"'
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["入力"]
    assert [cell.value for cell in ws[4]] == [
        "指標コード",
        "成果指標",
        "単位",
        "年度",
        "前年度の値",
        "今年度の値（入力）",
        "備考（入力）",
        "版",
        "評価の補足（入力・公開）",
    ]
    assert [[cell.value for cell in row] for row in ws.iter_rows(min_row=5)] == [
        ["1-1-1", "民生委員・児童委員の定員充足率", "％", 2022, 92.4, None, None, 0, None],
        ["1-1-2", "福祉の相談件数", "件", 2022, 5233, 5100, None, 0, None],
    ]
    assert wb["template"].sheet_state == "hidden"
    assert [row for row in wb["template"].iter_rows(values_only=True)] == [
        ("marker", "kumamoto-welfare-entry-v1"),
        ("plan", "entry-plan"),
        ("fy", 2022),
    ]


def test_the_council_template_holds_only_the_councils_indicator(world):
    wb = openpyxl.load_workbook(io.BytesIO(download_template(signed_in(world.council_clerk), world)))

    assert [row[:5] for row in wb["入力"].iter_rows(min_row=5, values_only=True)] == [
        ("2-1-1", "ふれあい・いきいきサロンの数", "箇所", 2022, 120)
    ]


# --- Reading a filled-in template back ---------------------------------------------------------------------


def test_a_filled_in_template_reads_back_as_a_preview_of_old_and_new_values(world):
    data = filled_in(
        download_template(signed_in(world.clerk), world), {"F5": 95.5, "F6": 5300, "G6": "電話相談を含む"}
    )

    preview = workbook.read_entry_workbook(data, world.clerk, world.plan, FY)

    assert preview.ok
    assert [(r.row, r.code, r.old, r.new, r.old_note, r.note, r.errors) for r in preview.rows] == [
        (5, "1-1-1", None, Decimal("95.5"), "", "", []),
        (6, "1-1-2", Decimal("5100"), Decimal("5300"), "", "電話相談を含む", []),
    ]
    assert preview.entries == [
        entry.ValueEntry(world.rate.pk, Decimal("95.5"), "", 0, ""),
        entry.ValueEntry(world.consultations.pk, Decimal("5300"), "電話相談を含む", 0, ""),
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("９５．５", Decimal("95.5")), ("95.5％", Decimal("95.5")), ("９５．５％", Decimal("95.5"))],
    ids=["full-width digits", "with the unit", "full-width digits with the unit"],
)
def test_a_value_typed_with_the_japanese_input_method_in_a_cell_is_read_as_a_number(world, typed, expected):
    data = filled_in(download_template(signed_in(world.clerk), world), {"F5": typed})

    preview = workbook.read_entry_workbook(data, world.clerk, world.plan, FY)

    assert preview.ok
    assert preview.entries == [entry.ValueEntry(world.rate.pk, expected, "", 0, "")]


def test_an_unchanged_template_shows_no_changes_and_nothing_to_confirm(world):
    client = signed_in(world.clerk)

    response = upload(client, world, download_template(client, world))

    content = response.content.decode()
    assert response.status_code == 200
    assert "変更はありません。" in content
    assert 'name="confirm"' not in content


def test_the_upload_shows_every_change_and_applies_nothing_until_confirmed(world):
    client = signed_in(world.clerk)
    data = filled_in(download_template(client, world), {"F5": 95.5, "F6": 5300, "G6": "電話相談を含む"})

    response = upload(client, world, data)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<td>－</td>\n        <td>95.5％</td>" in content
    assert "<td>5,100件</td>\n        <td>5,300件</td>" in content
    assert 'value="保存する（2件）"' in content
    assert stored_2022() == BEFORE


def test_confirming_the_preview_saves_every_change_as_a_draft(world):
    client = signed_in(world.clerk)
    data = filled_in(download_template(client, world), {"F5": 95.5, "F6": 5300, "G6": "電話相談を含む"})
    token = token_of(upload(client, world, data))

    response = client.post(import_url(world), {"confirm": "1", "entries": token})

    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("admin:indicators_indicatorvalue_bulk") + f"?plan={world.plan.pk}&fy=2022"
    )
    assert messages_of(response) == ["Excel ファイルの内容で実績値を2件保存しました（下書き）。"]
    assert stored_2022() == {"1-1-1": (Decimal("95.5"), ""), "1-1-2": (Decimal("5300"), "電話相談を含む")}
    assert not Publication.objects.filter(plan=world.plan, fiscal_year=FY).exists()  # drafts, not public


def stored_grade_notes() -> dict[str, str]:
    return {
        v.indicator.code: v.grade_note
        for v in IndicatorValue.objects.filter(fiscal_year=FY).select_related("indicator")
    }


def test_a_grade_note_typed_in_the_template_is_previewed_and_saved_with_the_value(world):
    client = signed_in(world.clerk)
    data = filled_in(download_template(client, world), {"F5": 95.5, "I5": "委嘱の時期が年度末にずれたため。"})
    response = upload(client, world, data)
    assert "<td>委嘱の時期が年度末にずれたため。</td>" in response.content.decode()

    client.post(import_url(world), {"confirm": "1", "entries": token_of(response)})

    assert stored_grade_notes() == {"1-1-1": "委嘱の時期が年度末にずれたため。", "1-1-2": ""}


def test_a_template_made_before_the_grade_note_column_keeps_the_stored_notes(world):
    IndicatorValue.objects.filter(indicator=world.consultations, fiscal_year=FY).update(
        grade_note="相談窓口を増やしたため。"
    )
    client = signed_in(world.clerk)
    wb = openpyxl.load_workbook(io.BytesIO(download_template(client, world)))
    wb["入力"].delete_cols(9)  # as the template was before it had the column
    wb["入力"]["F6"] = 5300
    buffer = io.BytesIO()
    wb.save(buffer)
    response = upload(client, world, buffer.getvalue())

    client.post(import_url(world), {"confirm": "1", "entries": token_of(response)})

    assert stored_2022()["1-1-2"] == (Decimal("5300"), "")
    assert stored_grade_notes()["1-1-2"] == "相談窓口を増やしたため。"


def test_the_hidden_version_column_explains_itself_to_whoever_unhides_it(world):
    wb = openpyxl.load_workbook(io.BytesIO(download_template(signed_in(world.clerk), world)))
    ws = wb["入力"]

    assert ws.column_dimensions["H"].hidden is True
    assert ws["H4"].value == "版" and "変更しないでください" in ws["H4"].comment.text


def test_confirming_applies_nothing_when_a_colleague_saved_one_of_the_indicators_in_between(world):
    client = signed_in(world.clerk)
    data = filled_in(download_template(client, world), {"F5": 95.5, "F6": 5300})
    token = token_of(upload(client, world, data))
    signed_in(world.colleague).post(
        reverse("admin:indicators_indicatorvalue_bulk") + f"?plan={world.plan.pk}&fy={FY}",
        {
            "form-TOTAL_FORMS": 2,
            "form-INITIAL_FORMS": 2,
            "form-0-indicator_id": world.rate.pk,
            "form-0-version": 0,
            "form-0-value": "",
            "form-0-note": "",
            "form-1-indicator_id": world.consultations.pk,
            "form-1-version": 0,
            "form-1-value": "5150",
            "form-1-note": "",
        },
    )

    response = client.post(import_url(world), {"confirm": "1", "entries": token})

    (message,) = messages_of(response)
    assert message.startswith("何も保存していません。1-1-2 福祉の相談件数: 佐藤さんが")
    assert message.endswith("2022年度の値を 5,100件 → 5,150件 に変更しました。")
    assert stored_2022() == {"1-1-2": (Decimal("5150"), "")}


def test_a_tampered_confirmation_is_refused_and_nothing_is_saved(world):
    client = signed_in(world.clerk)
    token = token_of(upload(client, world, filled_in(download_template(client, world), {"F5": 95.5})))
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = client.post(import_url(world), {"confirm": "1", "entries": tampered})

    assert messages_of(response) == [
        "確認の期限が切れたか、内容が変更されています。もう一度アップロードしてください。"
    ]
    assert stored_2022() == BEFORE


def test_a_confirmation_cannot_be_applied_to_another_year_than_the_one_previewed(world):
    client = signed_in(world.clerk)
    token = token_of(upload(client, world, filled_in(download_template(client, world), {"F5": 95.5})))

    client.post(import_url(world, fy=2023), {"confirm": "1", "entries": token})

    assert not IndicatorValue.objects.filter(fiscal_year=2023).exists()


def test_a_confirmation_made_by_another_organisation_cannot_be_replayed_by_a_clerk(world):
    council = signed_in(world.council_clerk)
    data = filled_in(download_template(council, world), {"F5": 130})
    token = token_of(upload(council, world, data))

    response = signed_in(world.clerk).post(import_url(world), {"confirm": "1", "entries": token})

    assert response.status_code == 403
    assert stored_2022() == BEFORE


# --- Bad rows --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "row", "message"),
    [
        ({"A5": "9-9-9"}, 5, "指標コード「9-9-9」の成果指標はこの計画にありません。"),
        ({"A5": "2-1-1"}, 5, "指標コード「2-1-1」はあなたの担当ではありません。"),
        ({"D5": 2025}, 5, "年度「2025」は計画期間（2020～2024年度）の外です。"),
        ({"D5": 2021}, 5, "年度の列は 2022 のままにしてください（「2021」になっています）。"),
        ({"F5": "九十五"}, 5, "「九十五」は数値ではありません。数値だけを入力してください。"),
        (
            {"F5": 120},
            5,
            "割合（％）は100以下で入力してください。100％を超えうる指標なら、成果指標の「100％を超えることがある」を選んでください。",
        ),
        ({"F5": "=1+1"}, 5, "今年度の値（入力）の列に数式があります。数式ではなく値を入力してください。"),
        (
            {
                "A7": "1-1-1",
                "B7": "民生委員・児童委員の定員充足率",
                "C7": "％",
                "D7": 2022,
                "F7": 96,
                "H7": 0,
            },
            7,
            "指標コード「1-1-1」の行が5行目にもあります。1つの指標は1行にしてください。",
        ),
        (
            {"H5": "x"},
            5,
            "テンプレートの「版」の列が変更されています。テンプレートをダウンロードし直してください。",
        ),
        (
            {"G5": "速報値\u202e値報速"},
            5,
            "備考: 表示されない制御文字は使えません（改行は使えます）。",
        ),
        ({"I5": "あ" * 101}, 5, "評価の補足は100文字以内にしてください（101文字あります）。"),
        (
            {"I5": "新型コロナの影響で\n研修を中止したため。"},
            5,
            "評価の補足: タブ・改行・表示されない制御文字は使えません。1行の文字で入力してください。",
        ),
    ],
    ids=[
        "unknown code",
        "another organisation's code",
        "year outside the plan",
        "another year of the plan",
        "text in a number cell",
        "percentage over 100",
        "formula",
        "duplicate row",
        "version column changed",
        "text-reordering control in a note",
        "grade note over 100 characters",
        "grade note of two lines",
    ],
)
def test_a_bad_row_gets_a_japanese_message_on_its_row_and_nothing_can_be_confirmed(
    world, changes, row, message
):
    client = signed_in(world.clerk)
    data = filled_in(download_template(client, world), {"F5": 95.5, "F6": 5300} | changes)

    response = upload(client, world, data)

    content = response.content.decode()
    assert response.status_code == 200
    assert re.search(rf"<tr><td>{row}</td>.*?<li>{re.escape(message)}</li>.*?</tr>", content, re.S)
    assert CANNOT_SAVE in content
    assert 'name="confirm"' not in content
    assert 'name="entries"' not in content
    assert stored_2022() == BEFORE


@pytest.mark.parametrize(
    ("builder", "message"),
    [
        ("plain workbook", "入力用テンプレートのファイルではありません（「入力」シートがありません）。"),
        ("renamed sheet", "入力用テンプレートのファイルではありません（「入力」シートがありません）。"),
        (
            "column deleted",
            "「入力」シートの見出しがテンプレートと違います。列を追加・削除せずに入力してください。",
        ),
        (
            "another year's template",
            "このファイルは別の計画または年度のテンプレートです（entry-plan、2023年度）。"
            "入力テスト計画の令和4年度（2022年度）のテンプレートを使ってください。",
        ),
        ("no rows", "入力された行がありません。"),
    ],
)
def test_a_workbook_that_is_not_this_template_gets_a_japanese_message_and_nothing_is_saved(
    world, builder, message
):
    client = signed_in(world.clerk)
    if builder == "plain workbook":
        wb = openpyxl.Workbook()
        wb.active.append(["1-1-1", 95.5])
    elif builder == "another year's template":
        wb = openpyxl.load_workbook(io.BytesIO(download_template(client, world, fy=2023)))
    else:
        wb = openpyxl.load_workbook(io.BytesIO(download_template(client, world)))
        if builder == "renamed sheet":
            wb["入力"].title = "Sheet1"
        elif builder == "column deleted":
            wb["入力"].delete_cols(5)
        elif builder == "no rows":
            wb["入力"].delete_rows(5, 2)
    buffer = io.BytesIO()
    wb.save(buffer)

    response = upload(client, world, buffer.getvalue())

    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert 'name="confirm"' not in content
    assert stored_2022() == BEFORE


# --- Bad files -------------------------------------------------------------------------------------------


def rezipped(
    data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """The xlsx zip in data with some members replaced or added."""
    replace, add = replace or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in add.items():
            target.writestr(name, content)
    return buffer.getvalue()


def damaged_member(data: bytes, name: str) -> bytes:
    """The zip with the first compressed bytes of one member overwritten, its header and CRC left intact.

    0xFF as the first byte of a deflate stream declares a block of the reserved type 3, which no decompressor
    accepts: a file damaged on a USB stick or in a mail gateway.
    """
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    damaged = bytearray(data)
    # The local header is 30 bytes plus the name and the extra field; the compressed data follows it.
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged[start : start + 4] = b"\xff" * 4
    return bytes(damaged)


def cut_sheet(data: bytes) -> bytes:
    """The 入力 sheet's XML cut off inside its second data row, as a broken copy or download leaves it."""
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    return xml[: xml.index(b'<row r="6"') + 20]


def only_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


BAD_FILES = {
    "a text file": (lambda template: b"1-1-1,95.5\n", NOT_XLSX),
    "a truncated xlsx": (lambda template: template[: len(template) // 2], NOT_XLSX),
    "a zip that is not a workbook": (lambda template: only_zip({"readme.txt": b"hello"}), NOT_XLSX),
    "a workbook with macros": (
        lambda template: rezipped(template, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
        "マクロを含むファイルは受け付けません。テンプレートを .xlsx 形式で保存し直してください。",
    ),
    "a zip bomb": (
        lambda template: rezipped(template, add={"xl/media/image1.png": b"\0" * (60 * 1024 * 1024)}),
        TOO_BIG,
    ),
    "damaged content types": (
        lambda template: rezipped(template, replace={"[Content_Types].xml": b"<Types"}),
        NOT_XLSX,
    ),
    "a damaged workbook part": (
        lambda template: rezipped(template, replace={"xl/workbook.xml": b"<workbook"}),
        NOT_XLSX,
    ),
    "a damaged sheet": (
        lambda template: rezipped(
            template, replace={"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row"}
        ),
        NOT_XLSX,
    ),
    "a sheet cut off in the middle of its rows": (
        lambda template: rezipped(template, replace={"xl/worksheets/sheet1.xml": cut_sheet(template)}),
        NOT_XLSX,
    ),
    "corrupted compressed bytes in the sheet": (
        lambda template: damaged_member(template, "xl/worksheets/sheet1.xml"),
        NOT_XLSX,
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_gets_a_clear_japanese_message_never_a_server_error_and_nothing_is_saved(world, case):
    client = signed_in(world.clerk)
    build, message = BAD_FILES[case]

    response = upload(client, world, build(download_template(client, world)))

    assert response.status_code == 200
    assert f'<p class="errornote">{message}</p>' in response.content.decode()
    assert 'name="confirm"' not in response.content.decode()
    assert stored_2022() == BEFORE


def test_an_empty_file_gets_a_clear_japanese_message_and_nothing_is_saved(world):
    response = upload(signed_in(world.clerk), world, b"")

    assert response.status_code == 200
    assert '<p class="errornote">入力されたファイルは空です。</p>' in response.content.decode()
    assert stored_2022() == BEFORE


def test_a_file_over_the_limit_is_refused_with_the_limit_in_the_message(world):
    response = upload(signed_in(world.clerk), world, b"\0" * (6 * 1024 * 1024))

    assert MAX_UPLOAD_BYTES == 5 * 1024 * 1024
    assert response.status_code == 200
    assert (
        '<p class="errornote">ファイルが大きすぎます（6,291,456 バイト）。5 MB（5,242,880 バイト）までのファイルにしてください。</p>'
        in response.content.decode()
    )
    assert stored_2022() == BEFORE


def test_a_file_one_byte_over_the_limit_is_refused(world):
    response = upload(signed_in(world.clerk), world, b"\0" * (MAX_UPLOAD_BYTES + 1))

    assert response.status_code == 200
    assert "ファイルが大きすぎます" in response.content.decode()
    assert stored_2022() == BEFORE


def test_a_reader_cannot_download_a_template_or_upload(db, django_user_model):
    org = Organisation.objects.create(name="熊本市")
    plan = make_plan(slug="entry-plan", start_fy=2020, end_fy=2024)
    reader = make_staff(django_user_model, "viewer", "小林", "閲覧", org)
    client = signed_in(reader)
    query = f"?plan={plan.pk}&fy={FY}"

    template = client.get(reverse("admin:indicators_indicatorvalue_template") + query)
    page = client.post(
        reverse("admin:indicators_indicatorvalue_import") + query,
        {"file": SimpleUploadedFile("a.xlsx", b"x")},
    )

    assert (template.status_code, page.status_code) == (403, 403)


def with_rows(template: bytes, rows: bytes) -> bytes:
    """The template with rows of XML added at the end of its 入力 sheet."""
    sheet = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(io.BytesIO(template)).read(sheet)
    return rezipped(template, replace={sheet: xml.replace(b"</sheetData>", rows + b"</sheetData>")})


# As measured on an earlier version: one row of 12 million empty cells (48 MB of XML in a 54 KB file) held a
# worker for 46 s at 3.9 GB; a 17 KB one took 8 s and 932 MB. Each is refused now, reading little of it.
HUGE_FILES = {
    "one row of 12 million empty cells": lambda t: with_rows(
        t, b'<row r="900">' + b"<c/>" * 12_000_000 + b"</row>"
    ),
    "one row of 200,000 empty cells": lambda t: with_rows(
        t, b'<row r="900">' + b"<c/>" * 200_000 + b"</row>"
    ),
    "60,000 empty rows": lambda t: with_rows(t, b"".join(b'<row r="%d"/>' % n for n in range(900, 60_900))),
}


@pytest.mark.parametrize("case", HUGE_FILES)
def test_a_huge_sheet_in_a_small_file_is_refused_with_little_memory_and_nothing_is_saved(world, case):
    client = signed_in(world.clerk)
    data = HUGE_FILES[case](download_template(client, world))
    assert len(data) < 1024 * 1024  # small as uploaded

    tracemalloc.start()
    try:
        response = upload(client, world, data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert f'<p class="errornote">{TOO_BIG}</p>' in response.content.decode()
    assert peak < 100 * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB"
    assert stored_2022() == BEFORE


def test_an_xml_bomb_in_a_sheet_is_refused_as_not_a_workbook(world):
    client = signed_in(world.clerk)
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    data = rezipped(download_template(client, world), replace={"xl/worksheets/sheet1.xml": bomb})

    response = upload(client, world, data)

    assert f'<p class="errornote">{NOT_XLSX}</p>' in response.content.decode()
    assert stored_2022() == BEFORE
