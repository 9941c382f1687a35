"""The Excel round trip of yearly entry: a template to fill in, and reading it back as a preview.

Staff download a template for a plan and a fiscal year (the indicators they are responsible for, last year's
value beside an empty input column), fill it in and upload it. Reading it back checks every row and applies
nothing: the admin shows the preview (old → new, errors in Japanese) and applies it, all or nothing, only when
confirmed (`initiatives.entry.save_yearly_values`).
"""

import io
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

from defusedxml import DefusedXmlException
from defusedxml import sax as defused_sax
from django.core import signing
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils.exceptions import InvalidFileException

from indicators.models import GRADE_NOTE_LENGTH, Indicator, IndicatorValue
from initiatives.entry import ValueEntry, parse_value
from plans.fiscal_years import fiscal_year_label
from plans.models import Plan
from plans.spreadsheets import as_string
from plans.validators import multiline_text, one_line_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SHEET = "入力"
META_SHEET = "template"
MARKER = "kumamoto-welfare-entry-v1"
HEADER_ROW = 4
# 版 (hidden) is the indicator's version when the template was made: a save over someone else's later change
# is refused. 評価の補足 comes after it, so that templates made before it had a column are still read.
COLUMNS = [
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
CODE, NAME, UNIT, YEAR, PREVIOUS, VALUE, NOTE, VERSION, GRADE_NOTE = range(1, 10)
EARLIER_COLUMNS = COLUMNS[:VERSION]  # the template before 評価の補足: its rows keep their notes
VERSION_HELP = "この列は変更しないでください。テンプレートを作ったときの指標の版で、同じ指標を同時に入力した人がいないか確かめるのに使います。"
MAX_ROWS = 5000
NOT_A_WORKBOOK = "Excel ファイル（.xlsx）ではないか、ファイルが壊れています。"
TOO_BIG = "ファイルの中身が大きすぎます。入力用テンプレートをそのまま使ってください（行や列を増やさないでください）。"
# A template's sheet of 5,000 rows is about 4 MB of XML and packs about tenfold: generous bounds, far below
# what could hold a worker (a 54 KB file of 48 MB of XML in one row took 3.9 GB before these).
MAX_UNPACKED_BYTES = 8 * 1024 * 1024
MAX_RATIO = 100
MAX_CELLS_PER_ROW = 64  # the template has 8 columns; Excel may write a few styled empty cells beside them
# What a damaged or foreign file raises inside openpyxl: zip, XML (SyntaxError covers both parsers' errors),
# compression and the workbook's own structure.
UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    SyntaxError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    OSError,
)
SIGNING_SALT = "initiatives.workbook.entries"


def entry_template(user, plan: Plan, fy: int) -> bytes:
    """The template for fy: one row per indicator user is responsible for, with last year's value filled in."""
    indicators = list(
        Indicator.objects.filter(plan=plan)
        .responsible_for(user)
        .prefetch_related("values")
        .order_by("position", "code")
    )
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = f"{plan.title} 実績値の入力（{fiscal_year_label(fy)}）"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = (
        "「今年度の値」「備考」「評価の補足」の列だけを入力してください。数値には単位を付けません。"
        "評価の補足（評価の主な理由を一文で、100文字まで）は市民に公開されます。行や列を追加・削除しないでください。"
    )
    for column, title in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, column, title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6EE")
    input_fill = PatternFill("solid", fgColor="FFF8D6")
    for row, indicator in enumerate(indicators, start=HEADER_ROW + 1):
        values = {v.fiscal_year: v for v in indicator.values.all()}
        previous, current = values.get(fy - 1), values.get(fy)
        ws.cell(row, CODE, indicator.code)
        ws.cell(row, NAME, indicator.name).alignment = Alignment(wrap_text=True)
        ws.cell(row, UNIT, indicator.unit)
        ws.cell(row, YEAR, fy)
        ws.cell(row, PREVIOUS, float(previous.value) if previous else None)
        for column, content in (
            (VALUE, float(current.value) if current else None),
            (NOTE, current.note if current else None),
            (GRADE_NOTE, (current.grade_note or None) if current else None),
        ):
            cell = ws.cell(row, column, content)
            cell.fill = input_fill
            cell.protection = Protection(locked=False)
        ws.cell(row, VERSION, indicator.version)
    for column, width in zip("ABCDEFGHI", (10, 48, 8, 8, 14, 16, 30, 6, 40), strict=True):
        ws.column_dimensions[column].width = width
    ws.column_dimensions["H"].hidden = True
    ws.cell(HEADER_ROW, VERSION).comment = Comment(VERSION_HELP, "熊本市地域福祉計画 進捗管理")
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.protection.sheet = (
        True  # only the input cells are unlocked, so the codes are not typed over by mistake
    )
    for row in ws.iter_rows():
        for cell in row:
            as_string(cell)  # a name or note that starts with "=" stays text
    meta = wb.create_sheet(META_SHEET)
    meta.append(["marker", MARKER])
    meta.append(["plan", plan.slug])
    meta.append(["fy", fy])
    meta.sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_filename(plan: Plan, fy: int) -> str:
    return f"{plan.slug}-{fy}-entry.xlsx"


@dataclass
class PreviewRow:
    row: int
    code: str
    name: str = ""
    unit: str = ""
    old: Decimal | None = None
    new: Decimal | None = None
    old_note: str = ""
    note: str = ""
    old_grade_note: str = ""
    grade_note: str | None = None  # None: the file has no column for it (the note is kept)
    errors: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        grade_note = self.old_grade_note if self.grade_note is None else self.grade_note
        return not self.errors and (self.old, self.old_note, self.old_grade_note) != (
            self.new,
            self.note,
            grade_note,
        )


@dataclass
class Preview:
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the file as a whole
    entries: list[ValueEntry] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not any(row.errors for row in self.rows)

    @property
    def changes(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.changed]


def _open(data: bytes):
    """The workbook in data, or ValidationError saying in Japanese why it is not one we can read."""
    if not data:
        raise ValidationError("ファイルが空です。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except zipfile.BadZipFile:
        raise ValidationError("Excel ファイル（.xlsx）ではないか、ファイルが壊れています。") from None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ValidationError(
            "マクロを含むファイルは受け付けません。テンプレートを .xlsx 形式で保存し直してください。"
        )
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise ValidationError("Excel ファイル（.xlsx）ではないか、ファイルが壊れています。")
    infos = archive.infolist()
    unpacked, packed = sum(i.file_size for i in infos), sum(i.compress_size for i in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError(TOO_BIG)
    if unpacked > 1024 * 1024 and unpacked > MAX_RATIO * max(packed, 1):
        raise ValidationError(TOO_BIG)
    try:
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                _check_sheet_size(archive, info.filename)
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except SheetTooBig:
        raise ValidationError(TOO_BIG) from None
    except (*UNREADABLE, DefusedXmlException, SAXException):
        raise ValidationError(NOT_A_WORKBOOK) from None


class SheetTooBig(Exception):
    pass


class _SheetBounds(ContentHandler):
    """Counts rows and the cells of each row as the sheet streams past (SAX: no tree is kept), and stops
    at the first beyond what a template can hold, before openpyxl builds a cell for any of them."""

    def __init__(self):
        super().__init__()
        self.rows = self.cells = 0

    def startElement(self, name, attrs):
        name = name.rsplit(":", 1)[-1]
        if name == "row":
            self.rows, self.cells = self.rows + 1, 0
            if self.rows > HEADER_ROW + MAX_ROWS + 10:
                raise SheetTooBig
        elif name == "c":
            self.cells += 1
            if self.cells > MAX_CELLS_PER_ROW:
                raise SheetTooBig


def _check_sheet_size(archive: zipfile.ZipFile, name: str) -> None:
    with archive.open(name) as stream:
        defused_sax.parse(stream, _SheetBounds())


def read_entry_workbook(data: bytes, user, plan: Plan, fy: int) -> Preview:
    """Check an uploaded template row by row; nothing is written. File-level problems raise ValidationError."""
    wb = _open(data)
    try:
        return _read(wb, user, plan, fy)
    except UNREADABLE:  # read-only mode parses each sheet only as it is read
        raise ValidationError(NOT_A_WORKBOOK) from None
    finally:
        wb.close()


def _read(wb, user, plan: Plan, fy: int) -> Preview:
    if SHEET not in wb.sheetnames or META_SHEET not in wb.sheetnames:
        raise ValidationError(
            f"入力用テンプレートのファイルではありません（「{SHEET}」シートがありません）。"
        )
    meta = {row[0]: row[1] for row in wb[META_SHEET].iter_rows(values_only=True) if row and len(row) >= 2}
    if meta.get("marker") != MARKER:
        raise ValidationError(
            "入力用テンプレートのファイルではありません。管理画面からテンプレートをダウンロードしてください。"
        )
    if meta.get("plan") != plan.slug or meta.get("fy") != fy:
        raise ValidationError(
            f"このファイルは別の計画または年度のテンプレートです（{meta.get('plan')}、{meta.get('fy')}年度）。"
            f"{plan.title}の{fiscal_year_label(fy)}のテンプレートを使ってください。"
        )
    ws = wb[SHEET]
    header = next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, values_only=True), ())
    with_grade_notes = list(header[: len(COLUMNS)]) == COLUMNS
    if not with_grade_notes and list(header[: len(EARLIER_COLUMNS)]) != EARLIER_COLUMNS:
        raise ValidationError(
            "「入力」シートの見出しがテンプレートと違います。列を追加・削除せずに入力してください。"
        )

    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan).responsible_for(user)}
    all_codes = set(Indicator.objects.filter(plan=plan).values_list("code", flat=True))
    current = {
        v.indicator.code: v
        for v in IndicatorValue.objects.filter(indicator__plan=plan, fiscal_year=fy).select_related(
            "indicator"
        )
    }
    preview = Preview()
    seen: dict[str, int] = {}
    for number, cells in enumerate(
        ws.iter_rows(min_row=HEADER_ROW + 1, max_col=len(COLUMNS)), start=HEADER_ROW + 1
    ):
        if number > HEADER_ROW + MAX_ROWS:
            raise ValidationError(f"行が多すぎます（{MAX_ROWS}行まで）。")
        cells = list(cells) + [None] * (len(COLUMNS) - len(cells))
        values = [cell.value if cell is not None else None for cell in cells]
        if all(value in (None, "") for value in values):
            continue
        code = str(values[CODE - 1] or "").strip()
        row = PreviewRow(row=number, code=code)
        preview.rows.append(row)
        formulas = [COLUMNS[i] for i, cell in enumerate(cells) if cell is not None and cell.data_type == "f"]
        if formulas:
            row.errors.append(
                f"{'、'.join(formulas)}の列に数式があります。数式ではなく値を入力してください。"
            )
            continue
        if code in seen:
            row.errors.append(
                f"指標コード「{code}」の行が{seen[code]}行目にもあります。1つの指標は1行にしてください。"
            )
            continue
        seen[code] = number
        indicator = indicators.get(code)
        if indicator is None:
            if code in all_codes:
                row.errors.append(f"指標コード「{code}」はあなたの担当ではありません。")
            else:
                row.errors.append(f"指標コード「{code}」の成果指標はこの計画にありません。")
            continue
        row.name, row.unit = indicator.name, indicator.unit
        year = values[YEAR - 1]
        if year != fy:
            if isinstance(year, int) and not plan.contains_fiscal_year(year):
                row.errors.append(f"年度「{year}」は計画期間（{plan.start_fy}～{plan.end_fy}年度）の外です。")
            else:
                row.errors.append(f"年度の列は {fy} のままにしてください（「{year}」になっています）。")
            continue
        existing = current.get(code)
        row.old = existing.value if existing else None
        row.old_note = existing.note if existing else ""
        row.old_grade_note = existing.grade_note if existing else ""
        if with_grade_notes:
            row.grade_note = str(values[GRADE_NOTE - 1] or "").strip()
            if len(row.grade_note) > GRADE_NOTE_LENGTH:
                row.errors.append(
                    f"評価の補足は{GRADE_NOTE_LENGTH}文字以内にしてください（{len(row.grade_note)}文字あります）。"
                )
            try:
                one_line_text(row.grade_note)  # the field's own rule: one line
            except ValidationError as error:
                row.errors.extend(f"評価の補足: {message}" for message in error.messages)
        row.note = str(values[NOTE - 1] or "").strip()
        if len(row.note) > 500:
            row.errors.append("備考は500文字以内にしてください。")
        try:
            multiline_text(row.note)  # the note field's own rule
        except ValidationError as error:
            row.errors.extend(f"備考: {message}" for message in error.messages)
        raw = values[VALUE - 1]
        if raw not in (None, ""):
            try:
                row.new = parse_value(raw, indicator.unit, indicator.may_exceed_100)
            except ValidationError as error:
                row.errors.extend(error.messages)
        version = values[VERSION - 1]
        if not isinstance(version, int):
            row.errors.append(
                "テンプレートの「版」の列が変更されています。テンプレートをダウンロードし直してください。"
            )
        if row.errors:
            continue
        if row.changed:
            preview.entries.append(ValueEntry(indicator.pk, row.new, row.note, version, row.grade_note))
    if not preview.rows:
        preview.errors.append("入力された行がありません。")
    return preview


def sign_entries(entries: list[ValueEntry], plan: Plan, fy: int) -> str:
    """The checked entries of one plan and year, signed, to carry from the preview page to the confirmation
    without keeping the file anywhere."""
    rows = [
        [e.indicator_id, None if e.value is None else str(e.value), e.note, e.version, e.grade_note]
        for e in entries
    ]
    return signing.dumps({"plan": plan.pk, "fy": fy, "entries": rows}, salt=SIGNING_SALT, compress=True)


def unsign_entries(token: str, plan: Plan, fy: int) -> list[ValueEntry]:
    """The entries of sign_entries(); ValidationError if the token was altered, is over an hour old, or was
    made for another plan or year."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=3600)
    except signing.BadSignature:
        raise ValidationError(
            "確認の期限が切れたか、内容が変更されています。もう一度アップロードしてください。"
        ) from None
    if data.get("plan") != plan.pk or data.get("fy") != fy:
        raise ValidationError(
            "確認した計画・年度と、保存しようとした計画・年度が違います。もう一度アップロードしてください。"
        )
    return [
        ValueEntry(i, None if v is None else Decimal(v), note, version, grade_note)
        for i, v, note, version, grade_note in data["entries"]
    ]
