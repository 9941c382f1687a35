"""Japanese line breaking (禁則処理) for text that a program will not break well by itself.

A spreadsheet program wraps a cell's text where it runs out of room, and may start a line with 「、」 or 「。」
(LibreOffice does, without Asian typography settings). The Excel report therefore breaks its long Japanese
texts itself, as JIS X 4051 asks in its simplest form:
- no line starts with a closing bracket or a mark that ends a phrase (行頭禁則): such a character stays at the
  end of the line before, beyond the width if need be (ぶら下げ);
- no line ends with an opening bracket (行末禁則): it moves to the next line;
- a run of Latin letters and digits (a URL, "R4", "30分×3本" is not one) is not split if it fits on a line.
Widths are display columns: a Japanese (wide) character takes two, others one.
"""

import unicodedata

# Never at the start of a line.
CLOSING = frozenset(
    "、。，．,.）」』】〕〉》］｝)]}!！?？:：;；・ー々ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ％%"
)
# Never at the end of a line.
OPENING = frozenset("（「『【〔〈《［｛([{")


def width(text: str) -> int:
    """Display columns: East Asian wide characters (and ambiguous ones, wide in a Japanese font) take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def _tokens(text: str) -> list[str]:
    """Characters, with each run of ASCII letters and digits kept as one token."""
    tokens: list[str] = []
    for ch in text:
        if (
            ch.isascii()
            and ch.isalnum()
            and tokens
            and tokens[-1][-1:].isascii()
            and tokens[-1][-1:].isalnum()
        ):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    return tokens


def wrap(text: str, columns: int) -> list[str]:
    """The lines of one paragraph (no "\\n" in it), each at most `columns` wide but for a hanging mark."""
    lines: list[str] = []
    line, used = "", 0  # the line so far and its width
    for token in _tokens(text):
        size = width(token)
        if line and used + size > columns:
            if token[0] in CLOSING:  # ぶら下げ: it hangs at the end of this line
                line, used = line + token, used + size
                continue
            carried = ""
            while line and line[-1] in OPENING:  # an opening bracket goes with what it opens
                carried = line[-1] + carried
                line = line[:-1]
            if line:
                lines.append(line)
            line, used = carried, width(carried)
        line, used = line + token, used + size
    if line or not lines:
        lines.append(line)
    return lines


def wrap_paragraphs(text: str, columns: int) -> list[str]:
    """Every paragraph of text wrapped: the lines of each "\\n"-separated paragraph, in order."""
    return [line for paragraph in text.split("\n") for line in wrap(paragraph, columns)]


# The closing punctuation a printed line must never start with (the check of a printed page).
CLOSING_PUNCTUATION = frozenset("、。，．）」』】〕〉》］｝！？")


def starts_badly(line: str) -> bool:
    """Whether a printed line starts with closing punctuation: 「、」「。」「）」 and the like."""
    return bool(line) and line[0] in CLOSING_PUNCTUATION
