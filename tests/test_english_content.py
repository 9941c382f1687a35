"""The plan's own texts in English: the plan file, the admin, the document, the pages and the JSON API.

The Kumamoto plan file carries our English of its structure (title, 基本理念, the three 基本方針, the seven 取組,
the ten 成果指標 and their units); its narratives stay Japanese. The English expected below is the fixture's,
written out again by hand.
"""

import copy
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from indicators.models import Indicator
from plans.models import Plan
from publications import changes
from publications import document as doc
from publications.models import Publication
from publications.planfile import PlanFileError, dump_plan, import_plan_file, parse_plan
from tests.factories import empty_page_caches, publish

SLUG = "kumamoto-welfare-4"
KUMAMOTO_FILE = Path(settings.BASE_DIR) / "fixtures" / "kumamoto_4th_plan.yaml"
MINATO_FILE = Path(settings.BASE_DIR) / "tests" / "fixtures" / "minato_ended_plan.yaml"
# A fiscal year as each language writes it: 令和3年度（2021年度）, 2021年度, R3; FY2021 (Reiwa 3), FY2021.
YEARS = re.compile(r"(令和|平成)[0-9元]+年度|[0-9]+年度|FY[0-9]+( \((Reiwa|Heisei) [0-9]+\))?")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]")


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_kumamoto_plan_file_with_its_english_round_trips_byte_for_byte(kumamoto_drafts):
    assert dump_plan(kumamoto_drafts) == KUMAMOTO_FILE.read_text(encoding="utf-8")


def test_the_plan_file_puts_each_english_text_beside_its_japanese(kumamoto_drafts):
    indicator = Indicator.objects.get(plan=kumamoto_drafts, code="1-1-2")
    assert (indicator.name_en, indicator.unit_en) == (
        "Number of registered volunteers and others matched with community welfare activities (per year)",
        "people",
    )
    assert kumamoto_drafts.title_en == (
        "The 4th Kumamoto City Regional Welfare Plan and Regional Welfare Activity Plan"
    )
    policy = kumamoto_drafts.policies.get(number=3)
    assert policy.title_en == "Promoting cooperation and collaboration among diverse actors"
    assert policy.measures.get(number=2).title_en == "Strengthening disaster response through collaboration"
    assert kumamoto_drafts.organisation_names_en() == [
        "Kumamoto City",
        "Kumamoto City Council of Social Welfare",
    ]


def test_a_plan_file_without_english_texts_is_still_written_without_them(db):
    plan, _ = import_plan_file(MINATO_FILE)
    written = dump_plan(Plan.objects.get(pk=plan.pk))
    assert "_en:" not in written
    source = MINATO_FILE.read_text(encoding="utf-8")
    assert written == "".join(line for line in source.splitlines(True) if not line.startswith("#"))


def test_an_english_text_with_a_tab_is_refused_with_the_admins_japanese_message():
    source = KUMAMOTO_FILE.read_text(encoding="utf-8").replace(
        "title_en: Better support through cooperation", 'title_en: "Better\\tsupport"'
    )
    with pytest.raises(PlanFileError) as refused:
        parse_plan(source)
    assert "タブ・改行・表示されない制御文字は使えません" in str(refused.value)


def test_the_english_pages_show_the_plans_english_names_and_units(client, kumamoto_plan):
    page = text(client, f"/en/plans/{SLUG}/indicators/1-1-2/?fy=2021")
    assert (
        "<h1>Number of registered volunteers and others matched with community welfare activities (per year)</h1>"
        in page
    )
    assert "11 people" in page  # the 2021 actual, with the English unit
    assert "640 people" in page  # the target
    assert "Finding the core people who lead mutual-support activities" in page
    home = text(client, f"/en/plans/{SLUG}/?fy=2021")
    assert "The 4th Kumamoto City Regional Welfare Plan and Regional Welfare Activity Plan" in home
    assert "Finding and developing people to strengthen the community" in home
    assert "Building our city together, where everyone supports one another" in home


def test_the_narratives_stay_japanese_and_are_marked_as_such_on_the_english_pages(client, kumamoto_plan):
    page = text(client, f"/en/plans/{SLUG}/indicators/1-1-2/?fy=2021")
    assert '<li lang="ja">市社協ホームページの充実を図り' in page
    assert '<span class="japanese-only">Japanese only</span></h4>' in page


def test_a_missing_english_text_shows_the_japanese_marked_japanese_only_never_an_empty_place(client, db):
    plan, _ = import_plan_file(MINATO_FILE)
    publish(plan, 2020)
    page = text(client, f"/en/plans/{plan.slug}/?fy=2020")
    title = Plan.objects.get(pk=plan.pk).title
    assert f'<h1><span lang="ja">{title}</span> <span class="japanese-only">Japanese only</span></h1>' in page


def test_an_english_text_added_in_the_admin_is_a_draft_until_it_is_published(client, kumamoto_plan):
    Indicator.objects.filter(plan=kumamoto_plan, code="1-1-1").update(
        name_en="Filled places of commissioners"
    )
    empty_page_caches()
    assert "Filled places of commissioners" not in text(client, f"/en/plans/{SLUG}/indicators/1-1-1/")

    publish(kumamoto_plan, 2021, reason="1-1-1の英語の名称を改めました")
    empty_page_caches()
    assert "<h1>Filled places of commissioners</h1>" in text(client, f"/en/plans/{SLUG}/indicators/1-1-1/")


def test_a_correction_of_an_english_text_is_listed_as_a_change(kumamoto_plan):
    old = Publication.objects.current(kumamoto_plan, 2021).document()
    new = copy.deepcopy(old)
    new["title_en"] = "The 4th Regional Welfare Plan"
    doc.indicators_by_code(new)["1-1-1"]["name_en"] = "Filled places"
    doc.measures_by_code(new)["2-1"]["narratives"][0]["text_en"] = "Watching over older people went on."
    found = [(c.subject, c.what, c.after) for c in changes.changes_between(old, new)]
    assert found == [
        ("計画", "計画名（英語）", "The 4th Regional Welfare Plan"),
        ("1-1-1 民生委員・児童委員、主任児童委員の定員充足率", "成果指標名（英語）", "Filled places"),
        (
            "取組2-1 住民に身近な地域での支え合い体制づくり",
            "主な取組（2020年度）（英語）",
            "Watching over older people went on.",
        ),
    ]


def test_the_json_api_in_english_has_the_same_keys_and_numbers_and_english_texts(client, kumamoto_plan):
    japanese = json.loads(text(client, f"/api/plans/{SLUG}/?fy=2021"))
    english = json.loads(text(client, f"/api/plans/{SLUG}/?fy=2021&lang=en"))

    def shape(node):
        """The keys and the numbers of a document, with its texts left out."""
        if isinstance(node, dict):
            return {key: shape(value) for key, value in node.items() if key != "language"}
        if isinstance(node, list):
            return [shape(value) for value in node]
        return None if isinstance(node, str) else node

    assert shape(english) == shape(japanese)
    assert (japanese["publication"]["language"], english["publication"]["language"]) == ("ja", "en")
    assert (
        english["title"] == "The 4th Kumamoto City Regional Welfare Plan and Regional Welfare Activity Plan"
    )
    item = english["policies"][0]["measures"][0]["indicators"][0]
    assert item["unit"] == "%"
    assert item["evaluation"]["grade"] == {"mark": "×", "label": "Declined"}
    assert "95.1%" in item["evaluation"]["reason"] and not JAPANESE.search(item["evaluation"]["reason"])
    assert english["policies"][0]["measures"][0]["narratives"][0]["text"].startswith("民生委員")  # no English
    assert english["organisations"] == ["Kumamoto City", "Kumamoto City Council of Social Welfare"]


def test_an_english_page_is_kept_in_the_page_cache_like_a_japanese_one(
    client, kumamoto_plan, django_assert_num_queries
):
    url = f"/en/plans/{SLUG}/?fy=2021"
    first = text(client, url)
    with django_assert_num_queries(1):  # the publication's id: the page itself comes from the cache
        again = text(client, url)
    assert again == first


def test_the_english_and_japanese_pages_of_a_publication_show_the_same_numbers_and_grades(
    client, kumamoto_plan
):
    def figures(page: str) -> tuple[list[str], list[str]]:
        """(the grade marks, the numbers of the figures and tables) of a page, in order."""
        marks = re.findall(r'class="grade grade-colour-[a-z-]+">(?:<span aria-hidden="true">)?([^<\s])', page)
        undated = re.sub(r"<time[^>]*>.*?</time>", "", page, flags=re.S)
        cells = re.findall(r'<(?:dd|td class="num")[^>]*>(.*?)</(?:dd|td)>', undated, re.S)
        cells = [
            YEARS.sub("", re.sub("<[^>]+>", "", cell)) for cell in cells
        ]  # fiscal years read differently
        numbers = [n for cell in cells for n in re.findall(r"[0-9][0-9,.]*[0-9]|[0-9]", cell)]
        return marks, numbers

    urls = [
        f"/plans/{SLUG}/?fy=2021",
        f"/plans/{SLUG}/policies/2/?fy=2021",
        f"/plans/{SLUG}/indicators/3-1-1/?fy=2021",
        f"/plans/{SLUG}/indicators/?fy=2020",
    ]
    for url in urls:
        japanese, english = figures(text(client, url)), figures(text(client, "/en" + url))
        assert japanese == english, url
        assert japanese[0] and japanese[1], url  # the pages do show grades and figures


def test_the_admin_edits_each_english_text_beside_its_japanese(admin_client, kumamoto_drafts):
    indicator = Indicator.objects.get(plan=kumamoto_drafts, code="1-1-1")
    page = admin_client.get(f"/admin/indicators/indicator/{indicator.pk}/change/").content.decode()
    assert 'class="form-row field-name field-name_en"' in page  # one row: the Japanese, then the English
    assert 'name="unit_en"' in page and 'name="target_rationale_en"' in page
    plan_page = admin_client.get(f"/admin/plans/plan/{kumamoto_drafts.pk}/change/").content.decode()
    for name in (
        "title_en",
        "philosophy_en",
        "summary_en",
        "policies-0-title_en",
        "policies-0-description_en",
    ):
        assert f'name="{name}"' in plan_page, name


def test_the_english_reason_is_worded_from_the_stored_figures(client, kumamoto_plan):
    page = text(client, f"/en/plans/{SLUG}/indicators/1-1-1/?fy=2021")
    # 92.43 in FY2021 against the baseline 95.1: lower, so 後退 (Declined), as the Japanese page says
    assert "The actual, 92.43%, has fallen below the baseline, 95.1%, so the grade is “Declined”." in page
    japanese = text(client, f"/plans/{SLUG}/indicators/1-1-1/?fy=2021")
    assert "実績値92.43％が基準値95.1％より下がっているため「後退」です。" in japanese
    card = re.search(r'<p class="grade-reason">(.*?)</p>', text(client, f"/en/plans/{SLUG}/?fy=2021"), re.S)
    assert not JAPANESE.search(card.group(1))


def test_the_english_pages_show_the_english_charts_of_the_same_publication(client, kumamoto_plan):
    page = text(client, f"/en/plans/{SLUG}/indicators/1-1-2/?fy=2021")
    chart = re.search(r'<img src="((?:/en)?/plans/[^"]+/publications/2021-1/en/charts/1-1-2\.svg)"', page)
    assert chart, "the English page's chart is the publication's English file"
    svg = client.get(chart.group(1)).content.decode()
    assert "Actual (× Declined)" in svg and "Baseline" in svg and "Target" in svg
    assert "(people)" in svg and not JAPANESE.search(re.sub(r'font-family="[^"]*"', "", svg))
    japanese_svg = client.get(chart.group(1).replace("/en/charts/", "/charts/")).content.decode()
    assert "実績（× 後退）" in japanese_svg


def test_the_inline_mini_charts_of_an_english_page_are_worded_in_english(client, kumamoto_plan):
    page = text(client, f"/en/plans/{SLUG}/?fy=2021")
    title = re.search(r'<title id="mini-1-1-2-title">(.*?)</title>', page).group(1)
    # 1-1-2: baseline 98 (FY2018), actuals 7 (2020) and 11 (2021), target 640 (FY2024)
    assert title == (
        "Number of registered volunteers and others matched with community welfare activities (per year) "
        "over the years: Baseline (2018) 98 people, 2020: 7 people, 2021: 11 people, Target (2024) 640 people"
    )
    japanese = text(client, f"/plans/{SLUG}/?fy=2021")
    assert "基準値（H30）98人、R2 7人、R3 11人、目標値（R6）640人" in japanese
