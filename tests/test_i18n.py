"""The public site in two languages: Japanese at today's URLs, English under /en/, the admin Japanese only.

This is the foundation of the English site (issue: the plan in English): the language comes from the path,
each page names its language and its alternates, a plain link switches language and keeps the year, and the
words of the pages' frame, the fiscal years and the grades read in English. The plan's own texts are not yet
translated.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from indicators import evaluation, final
from plans.fiscal_years import fiscal_year_label, short_label, wareki

SLUG = "kumamoto-welfare-4"


def html_lang(content: bytes) -> str:
    return re.search(r'<html lang="([a-z]+)"', content.decode()).group(1)


def test_english_lives_under_en_and_japanese_stays_at_the_plain_urls(client, kumamoto_plan):
    japanese = client.get(f"/plans/{SLUG}/?fy=2020")
    english = client.get(f"/en/plans/{SLUG}/?fy=2020")
    assert (japanese.status_code, english.status_code) == (200, 200)
    assert (html_lang(japanese.content), html_lang(english.content)) == ("ja", "en")
    assert english["Content-Language"] == "en" and japanese["Content-Language"] == "ja"
    with translation.override("en"):
        assert reverse("public:detail", args=[SLUG]) == f"/en/plans/{SLUG}/"
    assert reverse("public:detail", args=[SLUG]) == f"/plans/{SLUG}/"


def test_each_page_names_both_languages_and_a_plain_link_switches_keeping_the_year(client, kumamoto_plan):
    page = client.get(f"/plans/{SLUG}/indicators/1-1-1/?fy=2020&utm=x").content.decode()
    assert f'hreflang="ja" href="http://testserver/plans/{SLUG}/indicators/1-1-1/?fy=2020"' in page
    assert f'hreflang="en" href="http://testserver/en/plans/{SLUG}/indicators/1-1-1/?fy=2020"' in page
    assert "utm" not in page  # only the parameters the page is drawn from are carried over
    assert (
        f'<a href="http://testserver/en/plans/{SLUG}/indicators/1-1-1/?fy=2020" hreflang="en" lang="en">English</a>'
        in page
    )
    back = client.get(f"/en/plans/{SLUG}/indicators/1-1-1/?fy=2020").content.decode()
    assert (
        f'<a href="http://testserver/plans/{SLUG}/indicators/1-1-1/?fy=2020" hreflang="ja" lang="ja">日本語</a>'
        in back
    )


def test_the_english_page_reads_its_frame_years_and_grades_in_english(client, kumamoto_plan):
    page = client.get(f"/en/plans/{SLUG}/?fy=2021").content.decode()
    assert "Kumamoto City Regional Welfare Plan: Progress" in page and "Skip to main content" in page
    assert "Outcome indicators' grades (as of the end of FY2021 (Reiwa 3))" in page
    assert "FY2020 (Reiwa 2) – FY2024 (Reiwa 6)" in page
    assert "Achieved" in page and "Declined" in page  # the FY2021 counts: ◎ 1, × 7
    assert "7 indicators" in page and "1 indicator<" in page
    assert "本文へ移動" not in page


def test_the_japanese_and_the_english_page_are_kept_apart_by_the_page_cache(client, kumamoto_plan):
    assert html_lang(client.get(f"/plans/{SLUG}/").content) == "ja"
    assert html_lang(client.get(f"/en/plans/{SLUG}/").content) == "en"
    assert html_lang(client.get(f"/plans/{SLUG}/").content) == "ja"


def test_the_admin_stays_japanese_for_a_browser_that_asks_for_english(admin_client):
    response = admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(response.content) == "ja"
    assert "ログアウト" in response.content.decode()


@pytest.mark.parametrize(
    ("fy", "label", "short", "era"),
    [
        (2021, "FY2021 (Reiwa 3)", "FY2021", "FY2021 (Reiwa 3)"),
        (2019, "FY2019 (Reiwa 1)", "FY2019", "FY2019 (Reiwa 1)"),
        (2018, "FY2018 (Heisei 30)", "FY2018", "FY2018 (Heisei 30)"),
    ],
)
def test_fiscal_years_in_english_put_the_western_year_first_with_the_era(fy, label, short, era):
    assert (fiscal_year_label(fy, "en"), short_label(fy, "en"), wareki(fy, "en")) == (label, short, era)
    assert fiscal_year_label(2019) == "令和元年度（2019年度）"  # Japanese unchanged


def test_every_built_in_grade_has_an_english_word():
    assert set(evaluation.ENGLISH_WORDS) == set(evaluation.PACE_GRADES)
    assert set(final.ENGLISH_WORDS) == set(final.TREND_GRADES)
    assert evaluation.ENGLISH_WORDS[evaluation.BEHIND] == "Behind"


def test_the_english_indicator_and_policy_pages_read_their_frame_in_english(client, kumamoto_plan):
    page = client.get(f"/en/plans/{SLUG}/indicators/1-1-1/?fy=2021").content.decode()
    assert "Grade (as of the end of FY2021 (Reiwa 3))" in page
    assert '<th scope="row">Baseline</th><td>FY2018 (Heisei 30)</td>' in page
    assert '<th scope="row">Actual</th><td>FY2021 (Reiwa 3)</td>' in page
    assert "Coloured bars are each year&#x27;s actuals; the grey bar is the baseline" in page
    assert "The figures are in the table below." in page
    policy = client.get(f"/en/plans/{SLUG}/policies/1/?fy=2021").content.decode()
    assert "Grades of this basic policy's indicators (as of the end of FY2021 (Reiwa 3))" in policy
    assert "Initiatives in FY2021 (Reiwa 3)" in policy
    japanese = client.get(f"/plans/{SLUG}/indicators/1-1-1/?fy=2021").content.decode()
    assert "色の棒は各年度の実績値、灰色の棒は基準値" in japanese  # the Japanese reads as before


def test_the_english_final_page_and_a_missing_page_read_in_english(client, kumamoto_plan):
    page = client.get(f"/en/plans/{SLUG}/final/?fy=2021").content.decode()
    assert "Mid-term evaluation (as of the end of FY2021 (Reiwa 3))" in page
    assert "a change within ±5% counts as “No change”" in page
    assert "Whole plan" in page and "Change from the baseline" in page
    missing = client.get(f"/en/plans/{SLUG}/nothing-here/")
    assert missing.status_code == 404 and "Page not found" in missing.content.decode()
    assert "ページが見つかりません" in client.get(f"/plans/{SLUG}/nothing-here/").content.decode()


def test_the_english_carry_over_page_names_each_group_in_english(client, db):
    from pathlib import Path

    from django.conf import settings

    from publications.planfile import import_plan_file
    from publications.publishing import publish_years_with_actuals

    for name in ("minato_ended_plan.yaml", "minato_next_plan.yaml"):
        plan, _ = import_plan_file(Path(settings.BASE_DIR) / "tests" / "fixtures" / name)
        publish_years_with_actuals(plan)
    page = client.get("/en/plans/minato-welfare-2/carry-over/").content.decode()
    assert "Continued (2 indicators)" in page and "Retired (4 indicators)" in page
    assert "Revised (1 indicator)" in page and "How the target was set" in page
    assert "継続（2件）" in client.get("/plans/minato-welfare-2/carry-over/").content.decode()
