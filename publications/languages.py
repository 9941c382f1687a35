"""The plan's texts in the page's language (Japanese, or English under /en/).

A publication's document holds every text of the plan in Japanese and, where staff gave one, in English
(`title` and `title_en`, `name` and `name_en` …). The English pages show the English text; where there is
none they show the Japanese in an element marked lang="ja" with a visible "Japanese only" mark, so that a
reader (and a screen reader) knows what they are looking at. The Japanese pages show the Japanese.
"""

import copy

from django.utils.html import format_html
from django.utils.translation import get_language, gettext

from indicators import evaluation, final
from publications import document as doc


def in_english() -> bool:
    return get_language() == "en"


def in_japanese() -> bool:
    """Whether the page speaks Japanese, the language the plan's texts are written in (no active language
    counts as Japanese)."""
    return get_language() in (None, "ja")


def own_text(english: str) -> str:
    """The text a page in another language than Japanese shows of its own: the English one, on English pages
    (the plan's texts have no other language)."""
    return english if in_english() else ""


def texts(item, name: str) -> tuple[str, str]:
    """(Japanese, English) of an item's text `name`: a view of a publication (its `name` and `name_en`) or a
    dict of a document (its keys)."""
    if isinstance(item, dict):
        return item.get(name) or "", item.get(f"{name}_en") or ""
    return getattr(item, name, "") or "", getattr(item, f"{name}_en", "") or ""


def marked_japanese(text: str) -> str:
    """Japanese text on an English page: in an element marked lang="ja", with the "Japanese only" mark."""
    return format_html(
        '<span lang="ja">{}</span> <span class="japanese-only">{}</span>', text, gettext("日本語のみ")
    )


def text_of(item, name: str) -> str:
    """An item's text `name` in the page's language (HTML: English, or marked Japanese where it has none)."""
    japanese, english = texts(item, name)
    if in_japanese() or not japanese:
        return japanese
    return own_text(english) or marked_japanese(japanese)


def plain_text_of(item, name: str) -> str:
    """The same in plain text, for a page title, an attribute or a sort key: the English, else the Japanese."""
    japanese, english = texts(item, name)
    return (not in_japanese() and own_text(english)) or japanese


def japanese_only(item, name: str = "text") -> bool:
    """Whether an English page shows the Japanese of an item's text (it has no English)."""
    japanese, english = texts(item, name)
    return not in_japanese() and bool(japanese) and not own_text(english)


def value_with_unit(value, indicator) -> str:
    """A value with its indicator's unit (the indicator a view or a document's dict): "5,233件"; on the
    English pages "5,233 people", or where the unit has no English the Japanese unit marked lang="ja"."""
    japanese, english = texts(indicator, "unit")
    if not in_english() or english or value is None:
        return evaluation.display_value(value, english if in_english() else japanese)
    return format_html('{}<span lang="ja">{}</span>', evaluation.display_value(value), japanese)


def spaced(number: str, unit: str) -> str:
    """A number and its unit as a chart writes them: "11人" in Japanese, "11 people" (but "92.4%") in English."""
    if in_english() and unit and unit not in ("%", "％"):
        return f"{number} {unit}"
    return f"{number}{'%' if in_english() and unit == '％' else unit}"


def chart_name(indicator) -> str:
    """What a chart calls an indicator (a view or a document's dict): its name; on an English page its
    English name, or where it has none its code ("Indicator 1-1-1"), so that no Japanese stands unmarked in
    an English chart or its alt text."""
    japanese, english = texts(indicator, "name")
    if in_japanese():
        return japanese
    code = indicator["code"] if isinstance(indicator, dict) else indicator.code
    return own_text(english) or gettext("成果指標 %(code)s") % {"code": code}


def chart_unit(indicator) -> str:
    """The unit a chart or a reason sentence writes: on an English page the English unit, or none where it
    has none (a percentage is always %)."""
    japanese, english = texts(indicator, "unit")
    if in_japanese():
        return japanese
    return own_text(english) or ("%" if japanese in ("%", "％") else "")


def grade_word(grade: evaluation.Grade) -> str:
    """A grade's word in the page's language: 達成 / Achieved. A plan's own band keeps its label (the plan
    names it) until the plan gives an English one."""
    if in_english():
        return evaluation.ENGLISH_WORDS.get(grade) or final.ENGLISH_WORDS.get(grade) or grade.label
    return grade.label


# --- Reasons and the JSON API in English ------------------------------------------------------------------


def reasons(item: dict, rule: evaluation.GradingRule, final_rule: final.FinalRule) -> tuple[str, str]:
    """(the grade's reason, the final grade's reason) of a document's indicator in the active language: the
    stored sentences on a Japanese page; in English, worded again from the figures the publication stored
    (its evaluation and grades), with the indicator's English unit, so both languages say the same."""
    if not in_english():
        return item["evaluation"]["reason"], item["final_evaluation"]["reason"]
    result = doc.evaluation_of(item["evaluation"])
    shown = chart_unit(item)  # the English unit, or none: a Japanese one would stand unmarked in English
    reason = evaluation.explanation(result, item["unit"], item["direction"], rule, display_unit=shown)
    overall = doc.final_of(item["final_evaluation"])
    final_reason = final.final_reason(result, overall.grade, final_rule, item["unit"], display_unit=shown)
    return reason, final_reason


# --- The JSON API in English (?lang=en) ------------------------------------------------------------------


def _swap(data: dict, *names: str) -> None:
    """Each text `name` of data replaced by its English where data has one (`name_en` stays)."""
    for name in names:
        if data.get(f"{name}_en"):
            data[name] = data[f"{name}_en"]


def _english_grade(grade: dict) -> None:
    grade["label"] = grade_word(evaluation.Grade(grade["mark"], grade["label"]))


def english_document(document: dict) -> dict:
    """A publication's document with its texts in English and its keys and numbers unchanged: each text
    that has an English one (`title_en` …) replaced by it, the grades' English words, and the reason
    sentences worded again in English from the figures the publication stored. The `_en` keys stay, so a
    program can tell an English text from a Japanese one shown where the plan gives no English."""
    data = copy.deepcopy(document)
    rule, final_rule = doc.rule_of(data), doc.final_rule_of(data)
    _swap(data, "title", "philosophy", "summary")
    data["organisations"] = [
        english or japanese
        for japanese, english in zip(data["organisations"], data["organisations_en"], strict=True)
    ]
    for grade in [
        *data["grading"]["bands"],
        *data["grade_counts"],
        *data["final_grading"]["bands"],
        *data["final_counts"],
    ]:
        _english_grade(grade)
    if data["predecessor"]:
        _swap(data["predecessor"], "title")
    for item in data["retired_indicators"]:
        _swap(item, "name", "unit")
    for policy in data["policies"]:
        _swap(policy, "title", "description")
        for grade in policy["final_counts"]:
            _english_grade(grade)
        for measure in policy["measures"]:
            _swap(measure, "title")
            for narrative in measure["narratives"]:
                _swap(narrative, "text")
            for item in measure["indicators"]:
                item["evaluation"]["reason"], item["final_evaluation"]["reason"] = reasons(
                    item, rule, final_rule
                )
                _swap(item, "name", "unit", "target_rationale")
                _english_grade(item["evaluation"]["grade"])
                _english_grade(item["final_evaluation"]["grade"])
                if item["carry_over"] and item["carry_over"]["predecessor"]:
                    _swap(item["carry_over"]["predecessor"], "name", "unit")
    return data
