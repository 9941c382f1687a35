"""Stored text stays text in the spreadsheets and CSV files the system writes (OWASP: CSV injection).

A name, title, unit or note comes from people. Written as it is, one that starts with "=" becomes a formula
in an .xlsx written by openpyxl, and one that starts with =, +, -, @, a tab or a carriage return is evaluated
by a spreadsheet program that opens a CSV file. So every text cell of a workbook is written as a string
(`as_string`), and every text field of a CSV file that starts with one of those gets a leading apostrophe
(`csv_text`), which spreadsheet programs show as text; numbers are written as numbers and left alone.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_string(cell):
    """An openpyxl cell whose str value is stored as a string, never as a formula."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def csv_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text
