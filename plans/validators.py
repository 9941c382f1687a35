"""Validators for the texts staff write: shown on pages, drawn in charts and written into spreadsheets."""

import unicodedata

from django.core.exceptions import ValidationError

# Characters that reorder the text around them (the "Trojan Source" controls): a name could read one way
# on screen and another in a file. Right-to-left scripts do not need them; they are refused everywhere.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _not_a_character(char: str) -> bool:
    """Surrogates and Unicode noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF, …): XML, and so every SVG chart and
    Excel file, cannot hold them."""
    code = ord(char)
    return unicodedata.category(char) == "Cs" or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _hidden(text: str, allowed: str) -> bool:
    return any(
        (unicodedata.category(char) == "Cc" and char not in allowed)
        or char in BIDI_CONTROLS
        or _not_a_character(char)
        for char in text
    )


def one_line_text(text: str) -> None:
    """Names, titles, units, marks: one line, no tab, no invisible control characters."""
    if _hidden(text, allowed=""):
        raise ValidationError(
            "タブ・改行・表示されない制御文字は使えません。1行の文字で入力してください。",
            code="control_character",
        )


def multiline_text(text: str) -> None:
    """Descriptions and narratives: line breaks and tabs are allowed, other control characters are not."""
    if _hidden(text, allowed="\n\r\t"):
        raise ValidationError(
            "表示されない制御文字は使えません（改行は使えます）。", code="control_character"
        )


# The help of every English text field (…_en): the English pages show the Japanese where it is blank.
ENGLISH_HELP = "英語のページに表示します。空欄のときは、英語のページにも日本語を「Japanese only」の印とともに表示します。"
