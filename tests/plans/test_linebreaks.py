"""Japanese line breaking for the printed report: no line starts with 「、」 or 「。」."""

from plans import linebreaks


def test_a_comma_that_would_start_a_line_hangs_at_the_end_of_the_one_before():
    # Ten columns hold five Japanese characters; the sixth is 「、」.
    assert linebreaks.wrap("あいうえお、かきくけこ", 10) == ["あいうえお、", "かきくけこ"]


def test_a_full_stop_and_a_closing_bracket_hang_together():
    assert linebreaks.wrap("あいうえお。」かき", 10) == ["あいうえお。」", "かき"]


def test_an_opening_bracket_goes_to_the_next_line_with_what_it_opens():
    assert linebreaks.wrap("あいうえ「かき」", 10) == ["あいうえ", "「かき」"]


def test_a_run_of_latin_letters_and_digits_is_not_split():
    assert linebreaks.wrap("あいうえR2024", 10) == ["あいうえ", "R2024"]


def test_a_text_that_fits_is_one_line_and_an_empty_one_is_one_empty_line():
    assert linebreaks.wrap("あいう", 10) == ["あいう"]
    assert linebreaks.wrap("", 10) == [""]


def test_paragraphs_keep_their_own_lines():
    assert linebreaks.wrap_paragraphs("あいうえおか\n・きく", 10) == ["あいうえお", "か", "・きく"]


def test_no_line_of_a_seed_sentence_starts_with_a_closing_mark():
    sentence = (
        "民生委員・児童委員の委嘱に係る推薦準備会については、新型コロナウイルス感染症感染拡大防止の観点から、"
        "書面審査を導入した。"
    )
    for columns in range(10, 60):
        lines = linebreaks.wrap(sentence, columns)
        assert "".join(lines) == sentence
        assert not any(linebreaks.starts_badly(line) for line in lines), (columns, lines)
        assert all(linebreaks.width(line) <= columns + 2 for line in lines)


def test_a_printed_line_starting_with_closing_punctuation_is_caught():
    assert linebreaks.starts_badly("、新型コロナ") and linebreaks.starts_badly("。")
    assert not linebreaks.starts_badly("・民生委員") and not linebreaks.starts_badly("")
