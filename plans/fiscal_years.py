"""Japanese fiscal years (年度, April to March) and the era calendar (和暦).

A fiscal year is identified by the Western calendar year in which it starts: fiscal year 2019 runs
from 1 April 2019 to 31 March 2020. The plan document writes the same year in several ways
("R1", "令和元年度", "令和元年度（2019年度）", "2019年度"), so this module formats and parses all of them.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# The fiscal years the system keeps (plans.models validates every stored year against them).
MIN_FISCAL_YEAR = 1950
MAX_FISCAL_YEAR = 2100


@dataclass(frozen=True)
class Era:
    """A Japanese era: its name, one-letter romaji abbreviation and first day."""

    name: str
    letter: str
    start: date


# Oldest first. Meiji is not needed: no plan data predates Taisho.
ERAS: tuple[Era, ...] = (
    Era("大正", "T", date(1912, 7, 30)),
    Era("昭和", "S", date(1926, 12, 25)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("令和", "R", date(2019, 5, 1)),
)

_EXAMPLES = "例: R3、令和3年度、2021"
_ERA_NAMES = "|".join(era.name for era in ERAS)
_ERA_LETTERS = "".join(era.letter for era in ERAS)
# One fiscal year, after NFKC normalisation: an era year ("R3", "令和元年度") or a Western year ("2021年度").
_SINGLE = re.compile(
    rf"(?:(?P<era>{_ERA_NAMES}|[{_ERA_LETTERS}])(?P<number>元|\d+)|(?P<western>\d{{4}}))(?:年度?)?",
    re.IGNORECASE,
)
# The document form "令和2年度（2020年度）": two spellings of the same year, the second in parentheses.
_PAIR = re.compile(r"(?P<first>[^()]+)\((?P<second>[^()]+)\)")


def era_year(fy: int) -> tuple[str, int]:
    """Return the era name and era year of fiscal year ``fy``.

    A fiscal year is named after the era in force at the end of calendar year ``fy``. This matches the
    official names around Reiwa (2019 is 令和元年度 although it began in Heisei 31) and, applied to
    1926, gives 昭和元年度 (Showa began on 25 December 1926), although papers of the time say 大正15年度;
    ``parse_fiscal_year`` accepts both.
    """
    if fy < ERAS[0].start.year:
        raise ValueError(f"{fy}年度は対応していない年度です（{ERAS[0].name}以降のみ）")
    era = next(era for era in reversed(ERAS) if era.start.year <= fy)
    return era.name, fy - era.start.year + 1


def wareki(fy: int, language: str = "ja") -> str:
    """Return the era form, e.g. "令和2年度"; year 1 is written 元 as in official documents (in English
    "FY2020 (Reiwa 2)": an English reader needs the Western year)."""
    if language == "en":
        return fiscal_year_label(fy, "en")
    name, number = era_year(fy)
    return f"{name}{'元' if number == 1 else number}年度"


ERA_ROMAJI = {"大正": "Taisho", "昭和": "Showa", "平成": "Heisei", "令和": "Reiwa"}


def english_era(fy: int) -> str:
    """ "Reiwa 3": the era year as an English reader writes it (the first year is 1)."""
    name, number = era_year(fy)
    return f"{ERA_ROMAJI[name]} {number}"


def fiscal_year_label(fy: int, language: str = "ja") -> str:
    """Return the plan document form, era first then Western: "令和2年度（2020年度）"; in English the Western
    first, as readers there expect: "FY2020 (Reiwa 2)"."""
    if language == "en":
        return f"FY{fy} ({english_era(fy)})"
    return f"{wareki(fy)}（{fy}年度）"


def short_label(fy: int, language: str = "ja") -> str:
    """Return the abbreviated form used in tables, e.g. "H30" or "R1" (in English "FY2018")."""
    if language == "en":
        return f"FY{fy}"
    name, number = era_year(fy)
    letter = next(era.letter for era in ERAS if era.name == name)
    return f"{letter}{number}"


def _last_era_year(era: Era, following: Era | None) -> int | None:
    """The last era year that names a fiscal year, or None while the era is current.

    An era year names a fiscal year if the era was in force on its first day (1 April) - so 平成31年度 is
    2019 and 大正15年度 is 1926 - or at the end of its calendar year (``era_year``). 昭和64年 therefore names
    no fiscal year: it lasted from 1 to 7 January 1989, inside fiscal year 1988 (昭和63年度).
    """
    if following is None:
        return None
    end = following.start
    last_year = end.year if end > date(end.year, 4, 1) else end.year - 1
    return last_year - era.start.year + 1


def _parse_single(text: str, normalised: str) -> int:
    """Parse one spelling of a fiscal year; ``text`` is the original input, quoted in errors."""
    match = _SINGLE.fullmatch(normalised)
    if match is None:
        raise ValueError(f'"{text}" は年度として読み取れません。{_EXAMPLES}')
    if match["western"] is not None:
        fy = int(match["western"])
        if fy < ERAS[0].start.year:
            raise ValueError(f'"{text}" は対応していない年度です（{ERAS[0].name}以降のみ）')
        return fy
    key = match["era"].upper()
    index = next(i for i, era in enumerate(ERAS) if key in (era.name, era.letter))
    era = ERAS[index]
    number = 1 if match["number"] == "元" else int(match["number"])
    last = _last_era_year(era, ERAS[index + 1] if index + 1 < len(ERAS) else None)
    if number < 1:
        raise ValueError(f'"{text}" は存在しない年度です（{era.name}は元年度から）')
    if last is not None and number > last:
        raise ValueError(f'"{text}" は存在しない年度です（{era.name}は{last}年度まで）')
    return era.start.year + number - 1


def parse_fiscal_year(text: str) -> int:
    """Return the Western fiscal year written in ``text``, in any form the plan document uses.

    Accepts "R3", "H30", "令和3年度", "令和元年度", "2021", "2021年度" and "令和3年度（2021年度）",
    in full-width or half-width characters (folded by NFKC, which also expands "㍻" to 平成), with
    surrounding whitespace and a trailing colon, as in the seed's "H30：95.1％". The two halves of the
    combined form must agree.
    Leniently, the suffix may be 年度, 年 or nothing and era letters may be lower case.
    """
    normalised = unicodedata.normalize("NFKC", text).strip().rstrip(":").strip()
    pair = _PAIR.fullmatch(normalised)
    if pair is None:
        return _parse_single(text, normalised)
    first = _parse_single(text, pair["first"].strip())
    second = _parse_single(text, pair["second"].strip())
    if first != second:
        raise ValueError(f'"{text}" の和暦と西暦が一致しません（{first}年度と{second}年度）')
    return first


def requested_fiscal_year(text: str) -> int:
    """A fiscal year asked for by a person: a command's --fy or a page's ?fy=. Any form parse_fiscal_year
    reads ("2021", "R3", "令和3年度"), within the years the system keeps; ValueError with a message otherwise."""
    digits = unicodedata.normalize("NFKC", text).strip()
    fy = (
        int(digits) if digits.isascii() and digits.isdigit() and len(digits) == 4 else parse_fiscal_year(text)
    )
    if not MIN_FISCAL_YEAR <= fy <= MAX_FISCAL_YEAR:
        raise ValueError(f"「{text}」は扱える年度（{MIN_FISCAL_YEAR}～{MAX_FISCAL_YEAR}年度）の外です。")
    return fy


def period_problem(fy: int, start_fy: int, end_fy: int) -> str | None:
    """Why fy cannot be a year of a plan running start_fy–end_fy (in Japanese), or None."""
    if start_fy <= fy <= end_fy:
        return None
    return f"{fy}年度は計画期間（{start_fy}～{end_fy}年度）の範囲外です。"


def fiscal_year_of(day: date) -> int:
    """The fiscal year a day falls in: 1 April 2026 to 31 March 2027 is fiscal year 2026."""
    return day.year if day.month >= 4 else day.year - 1


ONGOING, ENDED, UPCOMING = "ongoing", "ended", "upcoming"
STATUS_LABELS = {ONGOING: "計画期間中", ENDED: "終了", UPCOMING: "開始前"}


def plan_status(start_fy: int, end_fy: int, today_fy: int) -> str:
    """Where a plan of start_fy–end_fy stands in fiscal year today_fy: ongoing, ended or upcoming."""
    if today_fy > end_fy:
        return ENDED
    if today_fy < start_fy:
        return UPCOMING
    return ONGOING
