"""Tests for plans.fiscal_years. Expected values are written by hand, not computed by the module."""

import pytest

from plans.fiscal_years import ERAS, era_year, fiscal_year_label, parse_fiscal_year, short_label, wareki

ROUND_TRIP_YEARS = range(1927, 2041)


def test_eras_are_taisho_showa_heisei_reiwa_with_their_letters():
    assert [(era.name, era.letter, era.start.year) for era in ERAS] == [
        ("大正", "T", 1912),
        ("昭和", "S", 1926),
        ("平成", "H", 1989),
        ("令和", "R", 2019),
    ]


# Formatting


@pytest.mark.parametrize(
    ("fy", "expected"),
    [
        (1912, ("大正", 1)),
        (1925, ("大正", 14)),
        (1926, ("昭和", 1)),
        (1927, ("昭和", 2)),
        (1988, ("昭和", 63)),
        (1989, ("平成", 1)),
        (2018, ("平成", 30)),
        (2019, ("令和", 1)),
        (2020, ("令和", 2)),
        (2024, ("令和", 6)),
    ],
)
def test_era_year_names_each_fiscal_year_after_the_era_at_the_end_of_its_calendar_year(fy, expected):
    assert era_year(fy) == expected


def test_fiscal_year_2019_is_reiwa_gannen():
    assert wareki(2019) == "令和元年度"


def test_fiscal_year_2018_is_heisei_30():
    assert wareki(2018) == "平成30年度"


def test_fiscal_year_1926_is_showa_gannen_because_showa_began_in_december_1926():
    assert wareki(1926) == "昭和元年度"


@pytest.mark.parametrize(
    ("fy", "expected"),
    [
        (1926, "昭和元年度"),
        (1927, "昭和2年度"),
        (1988, "昭和63年度"),
        (1989, "平成元年度"),
        (1990, "平成2年度"),
        (2018, "平成30年度"),
        (2019, "令和元年度"),
        (2020, "令和2年度"),
    ],
)
def test_wareki_writes_year_one_as_gan_and_other_years_as_digits(fy, expected):
    assert wareki(fy) == expected


@pytest.mark.parametrize(
    ("fy", "expected"),
    [
        (1926, "昭和元年度（1926年度）"),
        (1927, "昭和2年度（1927年度）"),
        (1988, "昭和63年度（1988年度）"),
        (1989, "平成元年度（1989年度）"),
        (2018, "平成30年度（2018年度）"),
        (2019, "令和元年度（2019年度）"),
        (2020, "令和2年度（2020年度）"),
    ],
)
def test_fiscal_year_label_gives_wareki_then_western_year_in_full_width_parentheses(fy, expected):
    assert fiscal_year_label(fy) == expected


@pytest.mark.parametrize(
    ("fy", "expected"),
    [
        (1926, "S1"),
        (1927, "S2"),
        (1988, "S63"),
        (1989, "H1"),
        (2018, "H30"),
        (2019, "R1"),
        (2024, "R6"),
    ],
)
def test_short_label_is_era_letter_and_year_number(fy, expected):
    assert short_label(fy) == expected


@pytest.mark.parametrize("format_year", [era_year, wareki, fiscal_year_label, short_label])
def test_years_before_taisho_cannot_be_formatted(format_year):
    with pytest.raises(ValueError, match="1911年度は対応していない年度です（大正以降のみ）"):
        format_year(1911)


# Parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("H30", 2018),
        ("R1", 2019),
        ("R6", 2024),
        ("S63", 1988),
        ("令和元年度", 2019),
        ("平成30年度", 2018),
        ("令和2年度（2020年度）", 2020),
        ("令和元年度（2019年度）", 2019),
        ("2020年度（令和2年度）", 2020),
        ("2020", 2020),
        ("2020年度", 2020),
        ("令和2年", 2020),
        ("r3", 2021),
        ("R01", 2019),
    ],
)
def test_parse_fiscal_year_reads_every_form_the_document_uses(text, expected):
    assert parse_fiscal_year(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ｒ4", 2022),
        ("令和３年度", 2021),
        ("２０２０年度", 2020),
        ("Ｈ３０", 2018),
        ("令和２年度（２０２０年度）", 2020),
        ("令和2年度(2020年度)", 2020),
        ("㍻30年度", 2018),
    ],
)
def test_full_width_digits_parse(text, expected):
    assert parse_fiscal_year(text) == expected


@pytest.mark.parametrize("text", ["H30：", "H30:", "  H30  ", "\tH30 ：", "　H30　"])
def test_surrounding_whitespace_and_a_trailing_colon_are_ignored(text):
    assert parse_fiscal_year(text) == 2018


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("T15", 1926),
        ("大正15年度", 1926),
        ("S1", 1926),
        ("昭和元年度", 1926),
        ("S2", 1927),
        ("昭和2年度", 1927),
        ("S63", 1988),
        ("昭和63年度", 1988),
        ("H1", 1989),
        ("平成元年度", 1989),
        ("H30", 2018),
        ("平成30年度", 2018),
        ("H31", 2019),
        ("平成31年度", 2019),
        ("R1", 2019),
        ("令和元年度", 2019),
        ("R2", 2020),
    ],
)
def test_era_boundaries_parse_to_the_right_western_year(text, expected):
    assert parse_fiscal_year(text) == expected


def test_heisei_31_parses_to_2019():
    assert parse_fiscal_year("H31") == 2019


def test_taisho_15_parses_to_1926_because_fiscal_1926_began_in_taisho():
    assert parse_fiscal_year("大正15年度（1926年度）") == 1926


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("昭和64年", '"昭和64年" は存在しない年度です（昭和は63年度まで）'),
        ("S64", '"S64" は存在しない年度です（昭和は63年度まで）'),
        ("S65", '"S65" は存在しない年度です（昭和は63年度まで）'),
        ("H32", '"H32" は存在しない年度です（平成は31年度まで）'),
        ("平成32年度", '"平成32年度" は存在しない年度です（平成は31年度まで）'),
        ("T16", '"T16" は存在しない年度です（大正は15年度まで）'),
        ("R0", '"R0" は存在しない年度です（令和は元年度から）'),
        ("令和0年度", '"令和0年度" は存在しない年度です（令和は元年度から）'),
    ],
)
def test_era_years_outside_the_era_are_rejected(text, message):
    with pytest.raises(ValueError) as error:
        parse_fiscal_year(text)
    assert str(error.value) == message


def test_showa_64_is_rejected_because_no_fiscal_year_began_in_it():
    with pytest.raises(ValueError, match="昭和は63年度まで"):
        parse_fiscal_year("昭和64年度")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "令和年度",
        "X3",
        "R",
        "年度",
        "20",
        "M45",
        "明治45年度",
        "R3年度年度",
        "令和2年度（）",
    ],
)
def test_garbage_is_rejected_with_a_message_quoting_the_input(text):
    with pytest.raises(ValueError) as error:
        parse_fiscal_year(text)
    assert str(error.value) == f'"{text}" は年度として読み取れません。例: R3、令和3年度、2021'


def test_x3_error_message_is_exactly_as_shown_to_users():
    with pytest.raises(ValueError) as error:
        parse_fiscal_year("X3")
    assert str(error.value) == '"X3" は年度として読み取れません。例: R3、令和3年度、2021'


@pytest.mark.parametrize("text", ["1911", "1911年度"])
def test_western_years_before_taisho_are_rejected(text):
    with pytest.raises(ValueError) as error:
        parse_fiscal_year(text)
    assert str(error.value) == f'"{text}" は対応していない年度です（大正以降のみ）'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("令和2年度（2021年度）", '"令和2年度（2021年度）" の和暦と西暦が一致しません（2020年度と2021年度）'),
        ("R1（2018年度）", '"R1（2018年度）" の和暦と西暦が一致しません（2019年度と2018年度）'),
    ],
)
def test_combined_label_with_disagreeing_halves_is_rejected(text, message):
    with pytest.raises(ValueError) as error:
        parse_fiscal_year(text)
    assert str(error.value) == message


# Round trips


@pytest.mark.parametrize("fy", ROUND_TRIP_YEARS)
def test_wareki_parses_back_to_the_same_year(fy):
    assert parse_fiscal_year(wareki(fy)) == fy


@pytest.mark.parametrize("fy", ROUND_TRIP_YEARS)
def test_short_label_parses_back_to_the_same_year(fy):
    assert parse_fiscal_year(short_label(fy)) == fy


@pytest.mark.parametrize("fy", ROUND_TRIP_YEARS)
def test_fiscal_year_label_parses_back_to_the_same_year(fy):
    assert parse_fiscal_year(fiscal_year_label(fy)) == fy
