"""The Excel report of a plan at the end of a fiscal year, printed for council members and the review committee.

`build_report(plan, fy)` returns the workbook as bytes; the view or the `export_report` command wraps them.
Sheets: 概要 (the plan, grade counts per basic policy and a chart of them), 成果指標一覧 (one row per
indicator, numbers as numbers, for filtering and sorting) and one sheet per basic policy (its indicators,
each with a chart, and the narratives of its measures). Every sheet prints on A4 landscape, one page wide.

The workbook is written in openpyxl's write-only mode, which streams rows to temporary files: memory grows
with the plan (which `plan_progress` holds anyway), not with the cells. That mode needs column widths and
row heights before the rows, so each sheet first lays out its rows as plain values, then writes them.

Built under `translation.override("en")`, the same report is in English (the `en/` copy of a publication's
files): the English texts of the plan where it has them (else the Japanese as written), the grades' English
words, English fiscal years, units, numbers and reasons. Its English text takes a Latin font, and any cell
that holds Japanese (a text the plan gives no English for, the narratives) keeps the Japanese font.
"""

import re
import textwrap
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from io import BytesIO
from math import ceil, floor, log10

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext, pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText
from openpyxl.chart.title import Title, title_maker
from openpyxl.drawing.line import LineProperties
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.drawing.text import Font as DrawingFont
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from indicators import evaluation
from indicators.models import Direction
from plans import linebreaks
from plans.fiscal_years import fiscal_year_label, short_label, wareki
from plans.spreadsheets import as_string
from publications import palette
from publications.carry_over import carry_over_groups
from publications.document import SECTION_LABELS, IndicatorView, NarrativeView, PlanView, PolicyView
from publications.document import decimal as doc_decimal
from publications.languages import chart_unit, grade_word, in_english, japanese_only, plain_text_of, spaced
from publications.progress import IndicatorProgress, MeasureProgress, PlanProgress, PolicyProgress

CREATOR = pgettext_lazy("the program that made a workbook", "地域福祉計画 進捗管理")
OVERVIEW_SHEET = pgettext_lazy("a sheet name", "概要")
LIST_SHEET = pgettext_lazy("a sheet name", "成果指標一覧")
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
ENGLISH_DATE_FORMAT = "d mmmm yyyy"  # 1 May 2024
NO_BASELINE = gettext_lazy("なし")

# Fills and colours stay legible on a monochrome printer: light fills, dark marks.
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# The grade colours are the web's (palette.py). An indicator's chart draws the baseline light grey, the actuals
# in the grade's colour and the target white, each outlined, as the web chart does.
BASELINE_COLOUR, TARGET_COLOUR, OUTLINE = palette.excel(palette.GRID), "FFFFFF", palette.excel(palette.TEXT)

# A column width unit is the width of one digit of the default font (Calibri 11, 7 pixels in Excel); an
# 11-point Japanese glyph takes a little over two. Rows are measured in points.
DIGIT_PX = 7
GLYPH_SPREAD = 1.05
LINE_HEIGHT = 17  # points per line of 11-point Japanese: Noto Sans CJK in LibreOffice takes 16, Yu Gothic 17
MAX_ROW_HEIGHT = 409  # Excel's limit
DEFAULT_ROW_HEIGHT = 18  # one line of 11-point Japanese, written on every row so that both programs agree
# A4 landscape within the margins set by print_setup, in points and in pixels (96 per inch).
MARGIN_SIDE, MARGIN_END = 0.4, 0.6  # inches
PRINTABLE_WIDTH_PX = (841.9 - 2 * MARGIN_SIDE * 72) * 96 / 72
PRINTABLE_HEIGHT = 595.3 - 2 * MARGIN_END * 72
OVERVIEW_CHART_HEIGHT = 210
# The share of the page counted on when laying out pages: LibreOffice takes the header and the footer out of
# the page as well as the margins, and both programs round row heights their own way.
ROOM = 0.93

# Every cell names a Japanese font, so that numbers and Latin text never fall back to a serif font beside the
# Japanese: BIZ UDPゴシック (a universal-design font that Windows has had since 2018). charset 128 (Shift_JIS)
# tells a program without it to take its own Japanese Gothic; LibreOffice takes Noto Sans CJK JP.
FONT_NAME = "BIZ UDPゴシック"
# The English workbook writes its English text in Arial, which every Windows and Mac has; LibreOffice prints
# it with Liberation Sans (installed with it, and metric-compatible: the same widths, so the same pages). An
# Excel cell names one font, so a cell that holds Japanese (a text the plan gives no English for, a narrative)
# keeps the Japanese font, whose Latin letters match its kana and kanji; chart texts name both fonts.
LATIN_FONT = "Arial"
# Columns an English character of Arial 11 takes against one digit of the default font (Calibri 11, 7
# pixels): 0.9 to 1.05 in a sentence, measured with Liberation Sans's widths.
LATIN_SPREAD = 1.0
# Text that needs the Japanese font: kana, kanji, Japanese punctuation and full-width forms (but "－", the
# mark of no value, which stands among English words too).
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uff0c\uff0e-\uffef]")


def font(size: float = 11, bold: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, charset=128, family=3)


STYLES = [
    NamedStyle("本文", font=font()),
    NamedStyle("表題", font=font(16, bold=True)),
    NamedStyle("見出し", font=font(12, bold=True), border=Border(bottom=Side(style="medium"))),
    NamedStyle("項目名", font=font(bold=True), alignment=Alignment(vertical="top")),
    NamedStyle("説明", alignment=Alignment(vertical="top", wrap_text=True)),
    NamedStyle("日付", number_format=DATE_FORMAT, alignment=Alignment(horizontal="left", vertical="top")),
    NamedStyle(
        "表の見出し",
        font=font(bold=True),
        fill=HEADER_FILL,
        border=BOX,
        alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
    ),
    NamedStyle("表の文字", border=BOX, alignment=Alignment(vertical="center", wrap_text=True)),
    NamedStyle("表の文章", border=BOX, alignment=Alignment(vertical="top", wrap_text=True)),
    NamedStyle(
        "表の中央", border=BOX, alignment=Alignment(horizontal="center", vertical="center", wrap_text=True)
    ),
    NamedStyle("表の率", number_format=PERCENT_FORMAT, border=BOX, alignment=Alignment(vertical="center")),
    NamedStyle("表の件数", number_format=COUNT_FORMAT, border=BOX, alignment=Alignment(vertical="center")),
    NamedStyle("表の合計", number_format=COUNT_FORMAT, font=font(bold=True), fill=TOTAL_FILL, border=BOX),
    NamedStyle("表の合計見出し", font=font(bold=True), fill=TOTAL_FILL, border=BOX),
    # The left-hand cells of an indicator's block on a policy sheet: one frame around the rows.
    NamedStyle(
        "枠の上",
        border=Border(left=THIN, right=THIN, top=THIN),
        alignment=Alignment(vertical="top", wrap_text=True),
    ),
    NamedStyle(
        "枠の中", border=Border(left=THIN, right=THIN), alignment=Alignment(vertical="top", wrap_text=True)
    ),
    NamedStyle(
        "枠の下",
        border=Border(left=THIN, right=THIN, bottom=THIN),
        alignment=Alignment(vertical="top", wrap_text=True),
    ),
]
for style in STYLES:  # the rest take the body font
    if style.font.name != FONT_NAME:
        style.font = font()
MAX_DECIMALS = 4  # the scale values are stored with
WRAPPING = {style.name for style in STYLES if style.alignment.wrap_text}
BOLD = {style.name: 1.1 for style in STYLES if style.font.b}


def number_style(decimals: int) -> str:
    return f"表の数値{decimals}"


def number_format(decimals: int) -> str:
    """'#,##0' for counts, '#,##0.00' for 92.43: as many decimals as the indicator is written with."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


STYLES += [
    NamedStyle(
        number_style(decimals),
        number_format=number_format(decimals),
        font=font(),
        border=BOX,
        alignment=Alignment(vertical="center"),
    )
    for decimals in range(MAX_DECIMALS + 1)
]
# The English workbook's styles: the same, but for the date written as English readers write it.
ENGLISH_STYLES = [
    NamedStyle(style.name, number_format=ENGLISH_DATE_FORMAT, font=font(), alignment=copy(style.alignment))
    if style.name == "日付"
    else style
    for style in STYLES
]


def language() -> str:
    """The language the report is built in: "en" under translation.override("en"), else "ja"."""
    return "en" if in_english() else "ja"


def is_latin(text: str) -> bool:
    """Whether the English workbook writes a text in the Latin font: English, with no Japanese in it."""
    return in_english() and not JAPANESE.search(text)


def text_width(line: str) -> float:
    """Columns a line of one cell takes: two for a Japanese (wide) character, one for another; a line of
    English text in the Latin font a little more than one per character."""
    return len(line) * LATIN_SPREAD if is_latin(line) else linebreaks.width(line)


def english_lines(text: str, columns: int) -> list[str]:
    """English text broken between words into lines of at most `columns` characters."""
    return [
        line
        for paragraph in text.split("\n")
        for line in textwrap.wrap(paragraph, max(columns, 1), break_long_words=False, break_on_hyphens=False)
        or [""]
    ]


def english_columns(width: float, bold: float = 1) -> int:
    """How many characters of English text a column `width` wide holds."""
    return floor((width - 1.5) / (LATIN_SPREAD * bold))


def year_header(fy: int) -> str:
    """ "R2（2020）": the era form the plan's tables use, then the Western year (in English "FY2020")."""
    if in_english():
        return short_label(fy, "en")
    return f"{short_label(fy)}（{fy}）"


def short_year(fy: int) -> str:
    """ "R2" (in English "FY2020")."""
    return short_label(fy, language())


def year_label(fy: int) -> str:
    """ "令和3年度（2021年度）" (in English "FY2021 (Reiwa 3)")."""
    return fiscal_year_label(fy, language())


def as_of_label(fy: int) -> str:
    return pgettext("on its own", "%(fy_label)s末時点") % {"fy_label": year_label(fy)}


def titled_as_of(title: str, fy: int) -> str:
    """ "第４次…計画（令和3年度（2021年度）末時点）"."""
    return gettext("%(title)s（%(fy_label)s末時点）") % {"title": title, "fy_label": year_label(fy)}


def policy_sheet_name(policy: PolicyView) -> str:
    return gettext("基本方針%(numeral)s") % {"numeral": policy.numeral}


def policy_title(policy: PolicyView) -> str:
    """ "基本方針Ⅰ　地域力強化のための人材の確保・育成"."""
    return gettext("基本方針%(numeral)s　%(title)s") % {
        "numeral": policy.numeral,
        "title": plain_text_of(policy, "title"),
    }


def sheet_title(name: str) -> str:
    """A sheet name Excel accepts: none of []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(name)).strip()[:31]


def direction_word(direction: str) -> str:
    """増やす, 減らす or 維持する (Direction's labels; in English Increase, Decrease or Maintain)."""
    words = {
        Direction.INCREASE: pgettext("an indicator's direction", "増やす"),
        Direction.DECREASE: pgettext("an indicator's direction", "減らす"),
        Direction.MAINTAIN: pgettext("an indicator's direction", "維持する"),
    }
    return words.get(direction) or Direction(direction).label


def written_style(value: Decimal | None) -> str:
    """The number style that shows a value as it was written: 95.1 as 95.1 and 92.43 as 92.43 in one column."""
    if value is None:
        return number_style(0)
    return number_style(min(max(0, -value.normalize().as_tuple().exponent), MAX_DECIMALS))


def decimals_of(indicator: IndicatorView, actuals: dict) -> int:
    """The most decimals among the indicator's values, so that 92.43 and 95.1 both print as written."""
    values = [indicator.baseline_value, indicator.target_value, *actuals.values()]
    exponents = [value.as_tuple().exponent for value in values if value is not None]
    return min(max([0, *(-exponent for exponent in exponents)]), MAX_DECIMALS)


def number(value: Decimal | None) -> int | float | None:
    """A cell value: whole numbers as int, others as float (openpyxl writes both as numbers)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def rate(percent: Decimal | None) -> float | None:
    """92.43 (percent) → 0.9243, shown as 92.4% by the cell's percent format."""
    return None if percent is None else float(percent / 100)


def grade_header(grade: evaluation.Grade) -> str:
    return f"{grade.mark} {grade_word(grade)}"


def grade_colours(scale: Sequence[evaluation.Grade]) -> list[str]:
    return [palette.excel(palette.grade_colour(grade, scale)) for grade in scale]


def published_bullets(narratives: list[NarrativeView], fy: int, section: str) -> list[str]:
    """The published bullets of one year and section: "・" before each, a ※ note kept as written (in English
    the English text where it has one, with "• " before it)."""
    texts = [(n, plain_text_of(n, "text")) for n in narratives if (n.fiscal_year, n.section) == (fy, section)]
    return [text if n.is_note else f"{'• ' if is_latin(text) else '・'}{text}" for n, text in texts if text]


# --- Laying out a sheet --------------------------------------------------------------------------------


@dataclass
class Layout:
    """A sheet's rows as (value, style) pairs, with what must be known before they are written."""

    rows: list[list[tuple[object, str | None] | None]] = field(default_factory=list)
    heights: dict[int, float] = field(default_factory=dict)
    charts: list = field(default_factory=list)
    groups: dict[int, int] = field(default_factory=dict)  # first row: last row, to print on one page
    forced: set[int] = field(default_factory=set)  # rows after which a new page starts
    _measured: dict[int, float | None] = field(default_factory=dict, repr=False)
    _resume: tuple | None = field(default=None, repr=False)

    def add(self, *cells: tuple[object, str | None] | None, height: float | None = None) -> int:
        """Append a row; return its 1-based number. Rows without a height are measured when written."""
        self.rows.append(list(cells))
        if height is not None:
            self.heights[len(self.rows)] = height
        return len(self.rows)

    def blank(self) -> int:
        return self.add()

    def keep_together(self, first: int, last: int) -> None:
        self.groups[first] = last

    def page_breaks(
        self, heights: dict[int, float | None], widths: dict[int, int], title_rows: int
    ) -> list[int]:
        """The rows after which to start a new page so that no group of rows is split.

        Every row's height is known (written out, or the default), and so is the print scale of a sheet
        fitted to one page wide, so pages can be counted here as the spreadsheet program will count them.
        """
        return self._paginate(heights, widths, title_rows)[0]

    def room_left(self, widths: dict[int, int], title_rows: int) -> float:
        """Points left on the page the next row would print on, at the sheet's print scale.

        Counted on from where the last call stopped (rows are only ever appended), so that laying out a
        sheet of thousands of rows stays linear.
        """
        heights = self._measured
        for number_ in range(len(heights) + 1, len(self.rows) + 1):
            heights[number_] = self.heights.get(number_) or self.height(self.rows[number_ - 1], widths)
        _, used, capacity = self._paginate(heights, widths, title_rows, resume=True)
        return capacity - used

    def break_after(self, number_: int) -> None:
        """Start a new page after this row, whatever room is left."""
        self.forced.add(number_)

    def _paginate(self, heights, widths, title_rows, resume=False) -> tuple[list[int], float, float]:
        def points(n: int) -> float:
            return heights[n] or DEFAULT_ROW_HEIGHT

        width_px = sum(width * DIGIT_PX + 5 for width in widths.values())
        scale = min(1, PRINTABLE_WIDTH_PX / width_px)
        capacity = (
            (PRINTABLE_HEIGHT - sum(points(n) for n in range(1, title_rows + 1)) * scale) / scale * ROOM
        )
        breaks, used, number_ = [], 0.0, title_rows + 1
        if resume and self._resume:
            breaks, used, number_ = self._resume
        while number_ <= len(self.rows):
            last = self.groups.get(number_, number_)
            if last > len(self.rows):  # a group still being laid out: counted once it is complete
                break
            height = sum(points(n) for n in range(number_, last + 1))
            if used and (number_ - 1 in self.forced or used + height > capacity):
                breaks.append(number_ - 1)
                used = 0.0
            used += height
            number_ = last + 1
        if resume:
            self._resume = (breaks, used, number_)
        return breaks, used, capacity

    def widths(self, minimum: dict[int, int], maximum: dict[int, int]) -> dict[int, int]:
        """Each column as wide as its widest line of text (Japanese counted as two), within the bounds."""
        widest: dict[int, float] = {}
        for row in self.rows:
            for column, cell in enumerate(row, 1):
                if cell is None or cell[0] is None or column not in maximum:
                    continue
                text, style = cell_text(*cell), cell[1]
                width = max(text_width(line) for line in text.split("\n")) * BOLD.get(style, 1)
                widest[column] = max(widest.get(column, 0), width)
        return {
            column: max(minimum.get(column, 4), min(ceil(widest.get(column, 0)) + 2, maximum[column]))
            for column in maximum
        }

    def height(self, row: list, widths: dict[int, int]) -> float | None:
        """Enough points for the most lines any wrapped cell of the row needs, or None for one line.

        Neither LibreOffice nor every Excel fits rows to wrapped text when opening a file, so the height is
        written out, estimated a little generously.
        """
        lines = 1
        for column, cell in enumerate(row, 1):
            if cell is None or cell[1] not in WRAPPING or cell[0] in (None, ""):
                continue
            usable = max(widths.get(column, 9) - 1.5, 1)
            bold = BOLD.get(cell[1], 1)
            needed = sum(
                len(english_lines(line, english_columns(usable + 1.5, bold)))
                if is_latin(line)
                else max(1, ceil(linebreaks.width(line) * GLYPH_SPREAD * bold / usable))
                for line in str(cell[0]).split("\n")
            )
            lines = max(lines, needed)
        return None if lines == 1 else min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 4)


def cell_text(value: object, style: str | None) -> str:
    """The text a cell shows, to measure it."""
    style = style or ""
    if isinstance(value, float | int) and style.startswith("表の数値"):
        return f"{value:,.{int(style.removeprefix('表の数値'))}f}"
    if isinstance(value, float) and style == "表の率":
        return f"{value:.1%}"
    if isinstance(value, date):
        if in_english():
            return f"{value.day} {value:%B} {value.year}"
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


def write_layout(
    ws, layout: Layout, widths: dict[int, int], title_rows: int | None = None, break_lines: bool = False
) -> None:
    """Write the rows and charts; with `break_lines`, wrapped texts broken into lines as Japanese is (for
    the sheets that are read on paper; the list keeps its cells as they are, for filtering and sorting).

    In write-only mode the sheet's properties, views and column widths go out with the first row, so print
    settings and frozen panes must be set before this is called.
    """
    styles = {}
    for row in layout.rows if break_lines else ():
        for column, cell in enumerate(row, 1):
            if cell is not None and cell[1] in WRAPPING and isinstance(cell[0], str) and column in widths:
                bold = BOLD.get(cell[1], 1)
                if is_latin(cell[0]):
                    room = english_columns(widths[column], bold)
                    if any(len(line) > room for line in cell[0].split("\n")):
                        row[column - 1] = ("\n".join(english_lines(cell[0], room)), cell[1])
                    continue
                room = floor((widths[column] - 1.5) / (GLYPH_SPREAD * bold))
                lines = cell[0].split("\n")
                if any(linebreaks.width(line) > room for line in lines):  # room kept for a hanging mark
                    row[column - 1] = ("\n".join(linebreaks.wrap_paragraphs(cell[0], room - 2)), cell[1])
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = width
    heights = {n: layout.heights.get(n) or layout.height(row, widths) for n, row in enumerate(layout.rows, 1)}
    for number_, height in heights.items():
        if height is not None or title_rows is not None:  # a paginated sheet fixes every row's height
            ws.row_dimensions[number_].height = height or DEFAULT_ROW_HEIGHT
    if title_rows is not None:
        for number_ in layout.page_breaks(heights, widths, title_rows):
            ws.row_breaks.append(Break(id=number_))
    for row in layout.rows:
        cells = []
        for cell in row:
            if cell is None:
                cells.append(None)
                continue
            value, style = cell
            style = style or "本文"
            written = as_string(WriteOnlyCell(ws, value=value))
            key = (style, in_english() and not (isinstance(value, str) and JAPANESE.search(value)))
            if key in styles:
                written._style = copy(styles[key])  # as openpyxl's docs copy styles: much faster
            else:
                written.style = style
                if key[1]:  # English: the Latin font, at the style's size and weight
                    written.font = latin_font(written.font)
                styles[key] = copy(written._style)
            cells.append(written)
        ws.append(cells)
    for chart in layout.charts:
        ws.add_chart(chart)


def latin_font(japanese: Font) -> Font:
    return Font(name=LATIN_FONT, size=japanese.size, bold=japanese.bold, family=2)


def header_font(text: str) -> str:
    """The font of a part of the page header or footer: the Latin font for English text."""
    return f"{LATIN_FONT},Regular" if is_latin(text) else f"{FONT_NAME},標準"


def print_setup(ws, plan: PlanView, fy: int, title_rows: str) -> None:
    """A4 landscape, one page wide and as many long as needed, titles repeated, page numbers in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_END
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = title_rows
    title = plain_text_of(plan, "title")
    escaped = title.replace("&", "&&")
    for part, text in (
        (ws.oddHeader.right, as_of_label(fy)),
        (ws.oddFooter.left, title),
        (ws.oddFooter.center, "1 / 1"),
        (ws.oddFooter.right, ws.title),
    ):
        part.font = header_font(text)
    ws.oddHeader.right.text = as_of_label(fy)
    ws.oddHeader.right.size = 9
    ws.oddFooter.left.text = escaped
    ws.oddFooter.left.size = 9
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.center.size = 9
    ws.oddFooter.right.text = "&A"
    ws.oddFooter.right.size = 9


# Parts of charts are built once and shared: a plan of a thousand indicators has a thousand charts, and
# openpyxl only reads these objects when it writes the file.


def chart_font(size: int, bold: bool = False) -> CharacterProperties:
    """The cells' font for a chart's text, for its Latin and its East Asian characters alike (in English the
    Latin font for the Latin characters and the Japanese one for the Japanese)."""
    typeface = DrawingFont(typeface=FONT_NAME, charset=128)
    latin = DrawingFont(typeface=LATIN_FONT) if in_english() else typeface
    return CharacterProperties(sz=size * 100, b=bold, latin=latin, ea=typeface)


def text_properties(size: int) -> RichText:
    """Chart text at `size` points (charts otherwise take the spreadsheet program's default, often 10)."""
    return _text_properties(size, in_english())


@cache
def _text_properties(size: int, english: bool) -> RichText:
    properties = chart_font(size)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=properties), endParaRPr=properties)])


def chart_title(text: str, size: int = 11) -> Title:
    title = title_maker(text)
    for paragraph in title.tx.rich.paragraphs:
        paragraph.pPr.defRPr = chart_font(size, bold=True)
        for run in paragraph.r:
            run.rPr = chart_font(size, bold=True)
    title.overlay = False
    return title


def anchor_over(first_column: int, last_column: int, first_row: int, last_row: int) -> TwoCellAnchor:
    """Stretch a chart over the cells from first_column, first_row to last_column, last_row (1-based).

    Anchored to cell edges rather than sized in pixels, the chart fills its cells in any spreadsheet
    program, whatever width it gives a column.
    """
    return TwoCellAnchor(
        _from=AnchorMarker(col=first_column - 1, row=first_row - 1),
        to=AnchorMarker(col=last_column, row=last_row),
    )


def keep_axes(chart: BarChart, size: int) -> None:
    """Show both axes (Excel hides an axis that is not explicitly kept) with labels at `size` points."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.txPr = text_properties(size)
    chart.y_axis.txPr = text_properties(size)


# --- 概要 ------------------------------------------------------------------------------------------------


def grade_rules(progress: PlanProgress) -> list[tuple[str, str]]:
    """How each grade is given and the rates computed, in the words of docs/evaluation.md."""
    if progress.rule.method == evaluation.ACHIEVEMENT:
        rules = [
            (
                grade_header(evaluation.Grade(band.mark, band.label)),
                gettext("達成率が%(minimum)s％以上") % {"minimum": f"{band.min.normalize():f}"}
                if band.min is not None
                else gettext("上のいずれにも当てはまらない"),
            )
            for band in progress.rule.bands
        ]
    else:
        rules = [  # in the order of the scale, each read on its own
            (grade_header(evaluation.ACHIEVED), gettext("目標値を満たしている")),
            (
                grade_header(evaluation.ON_TRACK),
                gettext("目標値には届いていないが、基準値より改善し、進捗率が期間の経過に見合っている"),
            ),
            (
                grade_header(evaluation.BEHIND),
                gettext(
                    "目標値には届いておらず、基準値より悪化してはいないが、改善が期間の経過に追いついていない"
                    "（変化なしを含む）"
                ),
            ),
            (grade_header(evaluation.REGRESSED), gettext("目標値には届いておらず、基準値より悪化している")),
        ]
    return [
        *rules,
        (
            grade_header(evaluation.NOT_EVALUATED),
            gettext("目標値がない、または評価年度までの実績値がない"),
        ),
        (gettext("達成率"), gettext("実績値 ÷ 目標値（減らす指標は 目標値 ÷ 実績値）")),
        (
            gettext("進捗率"),
            gettext("（実績値 − 基準値）÷（目標値 − 基準値）。基準値がない指標は最初の実績値を基準とする"),
        ),
    ]


def write_overview(ws, progress: PlanProgress, exported_on: date) -> None:
    plan, fy, scale = progress.plan, progress.fy, progress.grade_scale
    layout = Layout()
    layout.add((plain_text_of(plan, "title"), "表題"), height=26)
    layout.blank()
    count = len(progress.indicators)
    for label, value, style in [
        (gettext("基本理念"), plain_text_of(plan, "philosophy"), "説明"),
        (
            gettext("計画期間"),
            gettext("%(start)s～%(end)s")
            % {"start": year_label(plan.start_fy), "end": year_label(plan.end_fy)},
            "説明",
        ),
        (gettext("評価時点"), as_of_label(fy), "説明"),
        (
            pgettext("how many", "成果指標の数"),
            ngettext("%(count)s指標", "%(count)s指標", count) % {"count": count},
            "説明",
        ),
        (gettext("出力日"), exported_on, "日付"),
    ]:
        layout.add((label, "項目名"), (value, style))
    layout.blank()
    layout.add((gettext("基本方針ごとの評価"), "見出し"), height=20)
    header_row = layout.add(
        (gettext("基本方針"), "表の見出し"),
        (gettext("名称"), "表の見出し"),
        *((grade_header(grade), "表の見出し") for grade in scale),
        (gettext("計"), "表の見出し"),
    )
    for policy in progress.policies:
        layout.add(
            (policy_sheet_name(policy.policy), "表の文字"),
            (plain_text_of(policy.policy, "title"), "表の文字"),
            *((policy.counts.get(grade, 0), "表の件数") for grade in scale),
            (sum(policy.counts.values()), "表の合計"),
        )
    layout.add(
        (gettext("計画全体"), "表の合計見出し"),
        ("", "表の合計見出し"),
        *((progress.counts.get(grade, 0), "表の合計") for grade in scale),
        (sum(progress.counts.values()), "表の合計"),
    )
    last_count_column = 2 + len(scale)
    chart_row = None
    if progress.policies:
        layout.blank()
        chart_row = layout.add(height=OVERVIEW_CHART_HEIGHT)
    layout.blank()
    layout.add((gettext("評価の基準"), "見出し"), height=20)
    for label, text in grade_rules(progress):
        layout.add((label, "項目名"), (text, "説明"))

    counts = range(3, last_count_column + 2)
    widths = layout.widths(
        minimum={1: 14, 2: 44, **dict.fromkeys(counts, 10)},
        # English labels and titles are longer: "Number of indicators"
        maximum={1: 23, 2: 66, **dict.fromkeys(counts, 16)}
        if in_english()
        else {1: 16, 2: 60, **dict.fromkeys(counts, 16)},
    )
    if chart_row is not None:
        chart = overview_chart(ws, progress, header_row, last_count_column)
        chart.anchor = anchor_over(1, last_count_column + 1, chart_row, chart_row)
        layout.charts.append(chart)
    print_setup(ws, plan, fy, "1:1")
    write_layout(ws, layout, widths)


def overview_chart(ws, progress: PlanProgress, header_row: int, last_count_column: int) -> BarChart:
    """Grade counts per basic policy, stacked: one bar per policy, one colour per grade."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 80
    chart.title = chart_title(
        gettext("基本方針ごとの評価（%(fy_label)s末時点）") % {"fy_label": year_label(progress.fy)}
    )
    last = header_row + len(progress.policies)
    chart.add_data(
        Reference(ws, min_col=3, max_col=last_count_column, min_row=header_row, max_row=last),
        titles_from_data=True,
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last))
    for series, colour in zip(chart.series, grade_colours(progress.grade_scale), strict=True):
        series.graphicalProperties = GraphicalProperties(
            solidFill=colour, ln=LineProperties(solidFill=colour)
        )
    chart.y_axis.title = chart_title(gettext("指標の数"), 9)
    chart.y_axis.numFmt = "0"
    chart.y_axis.scaling.min = 0
    if max(sum(policy.counts.values()) for policy in progress.policies) <= 10:
        chart.y_axis.majorUnit = 1
    keep_axes(chart, 9)
    chart.legend.position = "r"
    chart.legend.txPr = text_properties(9)
    return chart


# --- 成果指標一覧 -------------------------------------------------------------------------------------------


def write_indicator_list(ws, progress: PlanProgress) -> None:
    plan, fy = progress.plan, progress.fy
    years = [year for year in plan.fiscal_years if year <= fy]  # no empty columns for years to come
    layout = Layout()
    title = gettext("成果指標一覧　%(title)s（%(fy_label)s末時点）") % {
        "title": plain_text_of(plan, "title"),
        "fy_label": year_label(fy),
    }
    layout.add((title, "表題"), height=26)
    headers = [
        pgettext("indicator code", "コード"),
        gettext("基本方針"),
        gettext("取組"),
        gettext("成果指標"),
        gettext("単位"),
        gettext("方向"),
        gettext("基準値の年度"),
        gettext("基準値"),
        *(year_header(year) for year in years),
        gettext("目標値の年度"),
        gettext("目標値"),
        gettext("達成率"),
        gettext("進捗率"),
        gettext("記号"),
        gettext("評価"),
    ]
    header_row = layout.add(*((header, "表の見出し") for header in headers))
    for row in progress.indicators:
        layout.add(*indicator_list_row(row, years, fy))

    count = len(headers)
    # Long names wrap so that the sheet prints legibly one page wide; codes, years and numbers do not.
    # Widths keep the print at 8 points or more (a sheet wider than the page is printed smaller).
    maximum = dict.fromkeys(range(1, count + 1), 12) | {1: 7, 2: 16, 3: 20, 4: 30, count - 1: 6, count: 10}
    minimum = dict.fromkeys(range(1, count + 1), 6) | {4: 24}
    widths = layout.widths(minimum, maximum)
    print_setup(ws, plan, fy, f"1:{header_row}")
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(count)}{len(layout.rows)}"
    write_layout(ws, layout, widths)


def indicator_list_row(row: IndicatorProgress, years: list[int], fy: int) -> list[tuple[object, str]]:
    indicator, result = row.indicator, row.evaluation
    actuals = row.actuals
    return [
        (indicator.code, "表の中央"),
        (f"{row.policy.numeral} {plain_text_of(row.policy, 'title')}", "表の文字"),
        (f"{row.measure.code} {plain_text_of(row.measure, 'title')}", "表の文字"),
        (plain_text_of(indicator, "name"), "表の文字"),
        (plain_text_of(indicator, "unit"), "表の中央"),
        (direction_word(indicator.direction), "表の中央"),
        (year_header(indicator.baseline_fy) if indicator.has_baseline else str(NO_BASELINE), "表の中央"),
        (number(indicator.baseline_value), written_style(indicator.baseline_value)),
        *((number(actuals.get(year)), written_style(actuals.get(year))) for year in years),
        (year_header(indicator.target_fy) if indicator.has_target else str(NO_BASELINE), "表の中央"),
        (number(indicator.target_value), written_style(indicator.target_value)),
        (rate(result.achievement_rate), "表の率"),
        (rate(result.progress_rate), "表の率"),
        (result.grade.mark, "表の中央"),
        (grade_word(result.grade), "表の中央"),
    ]


# --- 最終評価 (中間評価 before the plan's last year) -------------------------------------------------------


def final_sheet_name(progress: PlanProgress) -> str:
    return gettext("最終評価") if progress.is_final else gettext("中間評価")


def final_method_lines(progress: PlanProgress) -> list[str]:
    """How the final evaluation grades, in short lines that each fit a row without wrapping."""
    rule = progress.final_rule
    if rule.method == "achievement":
        return [gettext("各成果指標の実績値の、目標値に対する達成率を区分に当てはめて評価します。")]
    tolerance = {"tolerance": f"{rule.tolerance_percent.normalize():f}"}
    return [
        gettext("基準値（基準値がない指標は最初の実績値）と比べた変化で評価します。"),
        gettext(
            "A 目標値に達した　B 改善傾向にある（±%(tolerance)s％を超える改善）"
            "　B* 改善傾向にあるが目標年度までの達成が危ぶまれる（中間評価のみ）"
        )
        % tolerance,
        gettext(
            "C 変わらない（±%(tolerance)s％以内）　D 悪化している（±%(tolerance)s％を超える悪化）　E 評価困難"
        )
        % tolerance,
    ]


def write_final_sheet(ws, progress: PlanProgress) -> None:
    """The final (or mid-term) grade of each indicator, and the counts and shares of each grade, for the
    plan and for each basic policy, as 健康日本21 publishes them."""
    plan, fy = progress.plan, progress.fy
    stage = final_sheet_name(progress)
    layout = Layout()
    title = gettext("%(stage_label)s　%(title)s（%(fy_label)s末時点）") % {
        "stage_label": stage,
        "title": plain_text_of(plan, "title"),
        "fy_label": year_label(fy),
    }
    layout.add((title, "表題"), height=26)
    for line in final_method_lines(progress):
        layout.add((line, None))
    layout.blank()
    layout.add((gettext("評価ごとの成果指標の数と割合"), "見出し"), height=20)
    scopes = [(gettext("計画全体"), progress.final_counts, len(progress.indicators))] + [
        (policy_sheet_name(policy.policy), policy.final_counts, len(policy.indicators))
        for policy in progress.policies
    ]
    layout.add(
        (gettext("記号"), "表の見出し"),
        (gettext("評価"), "表の見出し"),
        *(
            cell
            for name, _, _ in scopes
            for cell in (
                (gettext("%(scope)s（件）") % {"scope": name}, "表の見出し"),
                (gettext("割合"), "表の見出し"),
            )
        ),
    )
    for index, count in enumerate(progress.final_counts):
        layout.add(
            (count.grade.mark, "表の中央"),
            (grade_word(count.grade), "表の文字"),
            *(
                cell
                for _, counts, _ in scopes
                for cell in ((counts[index].count, "表の件数"), (rate(counts[index].share), "表の率"))
            ),
        )
    layout.add(
        (gettext("計"), "表の合計見出し"),
        (None, "表の合計見出し"),
        *(cell for _, _, total in scopes for cell in ((total, "表の合計"), (None, "表の合計見出し"))),
    )
    layout.blank()
    layout.add((gettext("成果指標ごとの評価"), "見出し"), height=20)
    headers = [
        pgettext("indicator code", "コード"),
        gettext("成果指標"),
        gettext("単位"),
        gettext("基準の年度"),
        gettext("基準値"),
        gettext("実績値の年度"),
        gettext("実績値"),
        gettext("目標値"),
        gettext("基準からの変化"),
        gettext("達成率"),
        gettext("記号"),
        gettext("評価"),
        gettext("評価の理由"),
    ]
    layout.add(*((header, "表の見出し") for header in headers))
    for row in progress.indicators:
        result, overall = row.evaluation, row.final_evaluation
        reference = result.reference
        layout.add(
            (row.indicator.code, "表の中央"),
            (plain_text_of(row.indicator, "name"), "表の文字"),
            (plain_text_of(row.indicator, "unit"), "表の中央"),
            (year_header(reference.fy) if reference else str(NO_BASELINE), "表の中央"),
            (
                number(reference.value) if reference else None,
                written_style(reference.value if reference else None),
            ),
            (year_header(result.fy) if result.fy else "－", "表の中央"),
            (number(result.actual), written_style(result.actual)),
            (number(row.indicator.target_value), written_style(row.indicator.target_value)),
            (rate(overall.change_percent), "表の率"),
            (rate(result.achievement_rate), "表の率"),
            (overall.grade.mark, "表の中央"),
            (grade_word(overall.grade), "表の文字"),
            (overall.reason, "表の文章"),
        )
    count = len(headers)
    maximum = dict.fromkeys(range(1, count + 1), 12) | {1: 7, 2: 30, 12: 16, 13: 40}
    minimum = dict.fromkeys(range(1, count + 1), 6) | {2: 24, 13: 30}
    widths = layout.widths(minimum, maximum)
    print_setup(ws, plan, fy, "1:1")
    write_layout(ws, layout, widths, title_rows=1, break_lines=True)


# --- 指標の引き継ぎ (a plan with a predecessor) -----------------------------------------------------------

CARRY_SHEET = gettext_lazy("指標の引き継ぎ")


def value_at(value: Decimal, unit: str, fy: int) -> str:
    """「200人（R6）」: a value with its unit and its year (in English "200 people (FY2024)")."""
    return gettext("%(value)s（%(year)s）") % {
        "value": evaluation.display_value(value, unit),
        "year": short_year(fy),
    }


def write_carry_over_sheet(ws, progress: PlanProgress) -> None:
    """Each indicator against its predecessor's (継続・見直し・新規), then the predecessor's indicators that
    none carries on (廃止): the comparison page, on paper."""
    plan, fy, predecessor = progress.plan, progress.fy, progress.predecessor
    layout = Layout()
    title = gettext("指標の引き継ぎ　%(before)s → %(after)s") % {
        "before": plain_text_of(predecessor, "title"),
        "after": plain_text_of(plan, "title"),
    }
    layout.add((title, "表題"), height=26)
    layout.add(
        (
            gettext("前の計画の数値は%(fy_label)s末時点に公表したものです。")
            % {"fy_label": year_label(predecessor["fy"])},
            None,
        )
    )
    headers = [
        gettext("区分"),
        pgettext("indicator code", "コード"),
        gettext("成果指標"),
        gettext("前の計画の指標"),
        gettext("前の計画の目標値"),
        gettext("現状値（基準値）"),
        gettext("目標値"),
        gettext("目標設定の考え方"),
    ]
    header_row = layout.add(*((header, "表の見出し") for header in headers))
    for group in carry_over_groups(progress):
        for row in group.rows:
            if group.kind == "retired":
                layout.add(
                    (str(group.label), "表の中央"),
                    ("－", "表の中央"),
                    (gettext("（この計画には引き継いでいません）"), "表の文字"),
                    (
                        gettext("%(code)s %(name)s（%(unit)s）")
                        % {
                            "code": row["code"],
                            "name": plain_text_of(row, "name"),
                            "unit": plain_text_of(row, "unit"),
                        },
                        "表の文字",
                    ),
                    *((None, "表の文字") for _ in range(4)),
                )
                continue
            indicator, carry = row.indicator, row.carry or {}
            before = carry.get("predecessor") or {}
            target = before.get("target")
            unit = plain_text_of(indicator, "unit")
            layout.add(
                (str(group.label), "表の中央"),
                (indicator.code, "表の中央"),
                (plain_text_of(indicator, "name"), "表の文字"),
                (
                    f"{carry['from']} {plain_text_of(before, 'name')}".strip() if carry.get("from") else "－",
                    "表の文字",
                ),
                (
                    value_at(doc_decimal(target["value"]), plain_text_of(before, "unit"), target["fy"])
                    if target
                    else "－",
                    "表の文字",
                ),
                (
                    value_at(indicator.baseline_value, unit, indicator.baseline_fy)
                    if indicator.has_baseline
                    else str(NO_BASELINE),
                    "表の文字",
                ),
                (
                    value_at(indicator.target_value, unit, indicator.target_fy)
                    if indicator.has_target
                    else gettext("未設定"),
                    "表の文字",
                ),
                (plain_text_of(indicator, "target_rationale"), "表の文章"),
            )
    count = len(headers)
    maximum = dict.fromkeys(range(1, count + 1), 16) | {1: 8, 2: 9, 3: 30, 4: 30, 8: 40}
    minimum = dict.fromkeys(range(1, count + 1), 12) | {1: 8, 2: 9, 3: 20, 4: 20, 8: 24}
    widths = layout.widths(minimum, maximum)
    print_setup(ws, plan, fy, f"1:{header_row}")
    write_layout(ws, layout, widths, title_rows=header_row, break_lines=True)


# --- 基本方針Ⅰ… ------------------------------------------------------------------------------------------

# Columns of a policy sheet. Each indicator is a block of rows: its code and name, its chart over column C,
# and a small table of 項目 and 値 (基準値, each year, 目標値, the rates and the grade) that the chart is
# drawn from. The narratives below use the wide columns B and C. Five columns print one page wide at
# nearly full size, where a row of fifteen numbers per indicator would shrink the text to two thirds.
CODE, NAME, CHART, ITEM, VALUE = 1, 2, 3, 4, 5
POLICY_WIDTHS = {CODE: 11, NAME: 42, CHART: 52, ITEM: 16, VALUE: 12}
# English labels are longer: "Baseline (FY2018)", "FY2020 (Reiwa 2)" on two lines.
ENGLISH_POLICY_WIDTHS = {CODE: 12, NAME: 40, CHART: 52, ITEM: 19, VALUE: 12}


def policy_widths() -> dict[int, int]:
    return ENGLISH_POLICY_WIDTHS if in_english() else POLICY_WIDTHS


def write_policy_sheet(ws, progress: PlanProgress, policy: PolicyProgress) -> None:
    plan, fy = progress.plan, progress.fy
    years = [year for year in plan.fiscal_years if year <= fy]  # no empty rows for years to come
    layout = Layout()
    layout.add((policy_title(policy.policy), "表題"), height=26)
    layout.add((titled_as_of(plain_text_of(plan, "title"), fy), None))
    for measure in policy.measures:
        # A heading stays on the page of what follows it; an indicator's block stays on one page.
        heading = layout.blank()
        measure_title = gettext("取組%(number)s　%(title)s") % {
            "number": measure.measure.code,
            "title": plain_text_of(measure.measure, "title"),
        }
        layout.add((measure_title, "見出し"), height=20)
        header = layout.add(
            *(
                (header, "表の見出し")
                for header in [
                    pgettext("indicator code", "コード"),
                    gettext("成果指標"),
                    gettext("基準値・実績値・目標値"),
                    gettext("項目"),
                    pgettext("a figure", "値"),
                ]
            )
        )
        layout.keep_together(heading, header)
        for index, row in enumerate(measure.indicators):
            first, last = write_indicator_block(layout, row, years, fy)
            reason = layout.add(
                (pgettext("in a narrow column", "評価の理由"), "表の文字"),
                (row.reason, "表の文章"),
                (
                    gettext("評価の補足：%(note)s") % {"note": row.grade_note} if row.grade_note else "",
                    "表の文章",
                ),
                ("", "表の文字"),
                ("", "表の文字"),
            )
            layout.keep_together(heading if index == 0 else first, reason)
            chart = indicator_chart(ws, row, fy, first, first + len(years) + 1, progress.grade_scale)
            chart.anchor = anchor_over(CHART, CHART, first, last)
            layout.charts.append(chart)
        write_narratives(layout, measure, fy, heading=layout.blank(), title_rows=2)
        if any(n.section in ("committee", "summary") and n.fiscal_year <= fy for n in measure.narratives):
            write_narratives(
                layout, measure, fy, heading=layout.blank(), title_rows=2, columns=REVIEW_SECTIONS
            )
        write_reviews(layout, measure)
    print_setup(ws, plan, fy, "1:2")
    write_layout(ws, layout, policy_widths(), title_rows=2, break_lines=True)


def write_reviews(layout: Layout, measure: MeasureProgress) -> None:
    """The measure's reviews year by year: the department's 1次評価 and the review committee's 2次評価."""
    rows = measure.reviews_by_year()
    if not rows:
        return
    heading = layout.blank()
    header = layout.add(
        (pgettext("in a narrow column", "年度"), "表の見出し"),
        (gettext("1次評価（担当課）"), "表の見出し"),
        (gettext("2次評価（推進委員会）"), "表の見出し"),
    )
    layout.keep_together(heading, header)
    for year, first, second in rows:
        shown = [f"{r.mark} {r.label}".strip() if r else "－" for r in (first, second)]
        layout.add((wareki(year, language()), "表の文字"), (shown[0], "表の文字"), (shown[1], "表の文字"))


def write_indicator_block(
    layout: Layout, row: IndicatorProgress, years: list[int], fy: int
) -> tuple[int, int]:
    """An indicator's rows; returns the first and the last. The chart's values start at the first."""
    indicator, result = row.indicator, row.evaluation
    actuals = row.actuals
    baseline = (
        gettext("基準値（%(year)s）") % {"year": short_year(indicator.baseline_fy)}
        if indicator.has_baseline
        else gettext("基準値（なし）")
    )
    target = (
        gettext("目標値（%(year)s）") % {"year": short_year(indicator.target_fy)}
        if indicator.has_target
        else gettext("目標値（なし）")
    )
    items = [
        (baseline, number(indicator.baseline_value), written_style(indicator.baseline_value)),
        *(
            (
                year_header(year),
                number(actuals.get(year)) if year <= fy else None,
                written_style(actuals.get(year)),
            )
            for year in years
        ),
        (target, number(indicator.target_value), written_style(indicator.target_value)),
        (gettext("達成率"), rate(result.achievement_rate), "表の率"),
        (gettext("進捗率"), rate(result.progress_rate), "表の率"),
        (gettext("評価"), grade_header(result.grade), "表の中央"),
        # after the rows the chart is drawn from: each yearly target, and the rate against the year's own
        *(
            (
                gettext("年度目標（%(year)s）") % {"year": short_year(year)},
                number(value),
                written_style(value),
            )
            for year, value in indicator.interim_targets
        ),
        *(
            [(gettext("年度目標の達成率"), rate(result.yearly_achievement_rate), "表の率")]
            if result.yearly_target
            else []
        ),
    ]
    notes = [
        plain_text_of(indicator, "name"),
        gettext("単位：%(unit)s") % {"unit": plain_text_of(indicator, "unit")},
        gettext("方向：%(direction)s") % {"direction": direction_word(indicator.direction)},
    ]
    first = None
    for index, (item, value, value_style) in enumerate(items):
        frame = "枠の上" if index == 0 else "枠の下" if index == len(items) - 1 else "枠の中"
        number_ = layout.add(
            (indicator.code if index == 0 else None, frame),
            (notes[index] if index < len(notes) else None, frame),
            (None, frame),
            (item, "表の文字"),
            (value, value_style),
        )
        first = first or number_
    return first, number_


@cache
def bar_colours(count: int, actual_colour: str) -> tuple[DataPoint, ...]:
    """Light grey for the baseline, the grade's colour for the years, white for the target; all outlined."""
    colours = [BASELINE_COLOUR, *([actual_colour] * (count - 2)), TARGET_COLOUR]
    return tuple(
        DataPoint(
            idx=index,
            invertIfNegative=False,
            spPr=GraphicalProperties(solidFill=colour, ln=LineProperties(solidFill=OUTLINE)),
        )
        for index, colour in enumerate(colours)
    )


def value_labels(decimals: int) -> DataLabelList:
    return _value_labels(decimals, in_english())


@cache
def _value_labels(decimals: int, english: bool) -> DataLabelList:
    return DataLabelList(
        numFmt=number_format(decimals),
        showVal=True,
        showSerName=False,
        showCatName=False,
        showLegendKey=False,
        showPercent=False,
        txPr=text_properties(8),
    )


def indicator_chart(ws, row: IndicatorProgress, fy: int, first: int, last: int, grade_scale) -> BarChart:
    """Horizontal bars for the baseline, each year and the target, in the order of the table beside it.

    Light grey is the baseline, the grade's colour the actuals, white the target; each bar is labelled with its
    value and the value axis carries the unit.
    """
    indicator = row.indicator
    actuals = [value for year, value in row.actuals.items() if year <= fy]
    values = [
        value for value in [indicator.baseline_value, *actuals, indicator.target_value] if value is not None
    ]
    decimals = decimals_of(indicator, row.actuals)
    chart = BarChart()
    chart.type = "bar"
    chart.gapWidth = 40
    chart.legend = None
    series = Series(Reference(ws, min_col=VALUE, min_row=first, max_row=last), title=indicator.code)
    actual_colour = palette.excel(palette.grade_colour(row.evaluation.grade, grade_scale))
    series.graphicalProperties = GraphicalProperties(solidFill=actual_colour)
    series.dPt = list(bar_colours(last - first + 1, actual_colour))
    series.dLbls = value_labels(decimals)
    chart.series.append(series)
    chart.set_categories(Reference(ws, min_col=ITEM, min_row=first, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"  # baseline at the top, as in the table
    chart.y_axis.crosses = "max"  # which keeps the value axis at the bottom
    # Whole numbers on the axis unless the values are small: the labels on the bars give the decimals.
    axis_decimals = decimals if values and max(abs(v) for v in values) < 10 else 0
    # The unit as the web's chart writes it: "人", or in English " people", "%" (or none for a Japanese one)
    unit = spaced("", chart_unit(indicator))
    chart.y_axis.numFmt = f'{number_format(axis_decimals)}"{unit.replace(chr(34), "")}"'
    if all(value >= 0 for value in values):
        chart.y_axis.scaling.min = 0
    if values and max(values) > 0:
        chart.y_axis.majorUnit = tick_step(float(max(values)))
    rate_to_100 = evaluation.unit_kind(indicator.unit) == "percent" and not indicator.may_exceed_100
    if rate_to_100 and values and max(values) <= 100:
        chart.y_axis.scaling.max = 100  # a rate stops at 100 ％, as on the web
    keep_axes(chart, 8)
    return chart


def tick_step(largest: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about five ticks up to largest, so that the
    axis labels, which carry the unit, stay level instead of turning sideways."""
    magnitude = 10 ** floor(log10(largest / 5))
    return next(m * magnitude for m in (1, 2, 5, 10) if largest / 5 <= m * magnitude)


def narrative_columns(column_width: int) -> int:
    """How many display columns of 11-point Japanese a narrative column holds, with room for a hanging mark."""
    return floor((column_width - 1.5) / GLYPH_SPREAD) - 2


def narrative_lines(bullets: list[str], column_width: int) -> list[str]:
    """The printed lines of a year's bullets in a column: Japanese broken as Japanese is, English between
    words."""
    text = "\n".join(bullets)
    if is_latin(text):
        return english_lines(text, english_columns(column_width) - 1)
    return linebreaks.wrap_paragraphs(text, narrative_columns(column_width))


def section_heading(label: str, narratives: list[NarrativeView]) -> str:
    """A narrative section's heading: in English, "(Japanese only)" after it where some text has no English."""
    if any(japanese_only(n) for n in narratives):
        return pgettext("after a heading", "%(heading)s（日本語のみ）") % {"heading": label}
    return str(label)


YEARLY_SECTIONS = (("initiatives", SECTION_LABELS["initiatives"]), ("issues", SECTION_LABELS["issues"]))
REVIEW_SECTIONS = (("committee", SECTION_LABELS["committee"]), ("summary", SECTION_LABELS["summary"]))
MIN_LINES_ON_A_PAGE = 3  # fewer lines of a year than this go to the next page with the rest


def write_narratives(
    layout: Layout,
    measure: MeasureProgress,
    fy: int,
    heading: int,
    title_rows: int,
    columns: tuple = YEARLY_SECTIONS,
) -> None:
    """Per year up to fy, one row: its 主な取組 in one cell and its 課題・改善事項・方針 beside it (or the two
    sections given as `columns`: the review committee's opinion and the 総括).

    The text is broken into lines here, as Japanese is broken (plans/linebreaks.py), so that no printed line
    starts with 「、」 or 「。」 whatever program prints it (English between words); and pages are counted
    here, so that a year that
    does not fit in what is left of a page fills it and continues on the next, under the table's header
    repeated, marked 「（続き）」, rather than leaving half a page empty. `heading` is the row above the table,
    kept on the page of its header.
    """
    # The heading and the header go together, with room for a few lines under them, or to the next page.
    layout.keep_together(heading, heading + 1)
    if (
        layout.room_left(policy_widths(), title_rows)
        < 2 * DEFAULT_ROW_HEIGHT + MIN_LINES_ON_A_PAGE * LINE_HEIGHT + 4
    ):
        layout.break_after(heading - 1)
    names = {name for name, _ in columns}
    published = [n for n in measure.narratives if n.fiscal_year <= fy and n.section in names]
    header = (
        (pgettext("in a narrow column", "年度"), "表の見出し"),
        *(
            (section_heading(label, [n for n in published if n.section == name]), "表の見出し")
            for name, label in columns
        ),
    )
    layout.add(*header)
    years = sorted({n.fiscal_year for n in published})
    if not years:
        nothing = gettext("記載なし")
        layout.add(("", "表の文章"), (nothing, "表の文章"), (nothing, "表の文章"))
    most = (MAX_ROW_HEIGHT - 4) // LINE_HEIGHT
    for year in years:
        sections = [
            narrative_lines(published_bullets(published, year, section), policy_widths()[column])
            for (section, _), column in zip(columns, (NAME, CHART), strict=True)
        ]
        label = wareki(year, language())
        while any(sections):
            fits = min(most, int((layout.room_left(policy_widths(), title_rows) - 4) // LINE_HEIGHT))
            needed = max(len(part) for part in sections)
            if fits < min(needed, MIN_LINES_ON_A_PAGE):
                layout.break_after(len(layout.rows))
                layout.add(*header)
                fits = most
            taken = [part[:fits] for part in sections]
            sections = [part[fits:] for part in sections]
            layout.add(
                (label, "表の文章"), ("\n".join(taken[0]), "表の文章"), ("\n".join(taken[1]), "表の文章")
            )
            label = gettext("%(year)s\n（続き）") % {"year": wareki(year, language())}
            if any(sections):
                layout.break_after(len(layout.rows))
                layout.add(*header)


# --- The workbook ----------------------------------------------------------------------------------------


def build_report(progress: PlanProgress, exported_on: date | None = None) -> bytes:
    """The report of a publication (its PlanProgress), as the bytes of an .xlsx file."""
    exported_on = exported_on or timezone.localdate()
    plan, fy = progress.plan, progress.fy
    workbook = Workbook(write_only=True)
    for style in ENGLISH_STYLES if in_english() else STYLES:
        workbook.add_named_style(style)
    properties = workbook.properties
    properties.title = gettext("%(title)s 成果指標の進捗状況（%(fy_label)s末時点）") % {
        "title": plain_text_of(plan, "title"),
        "fy_label": year_label(fy),
    }
    properties.subject = gettext("成果指標の評価と取組の状況")
    properties.creator = properties.lastModifiedBy = str(CREATOR)
    properties.keywords = f"{plan.slug}, {fy}"
    properties.language = "en" if in_english() else "ja-JP"
    properties.created = properties.modified = datetime.combine(exported_on, time())

    def sheet(name):
        return workbook.create_sheet(sheet_title(name))

    write_overview(sheet(OVERVIEW_SHEET), progress, exported_on)
    write_indicator_list(sheet(LIST_SHEET), progress)
    write_final_sheet(sheet(final_sheet_name(progress)), progress)
    if progress.predecessor:
        write_carry_over_sheet(sheet(CARRY_SHEET), progress)
    for policy in progress.policies:
        write_policy_sheet(sheet(policy_sheet_name(policy.policy)), progress, policy)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
