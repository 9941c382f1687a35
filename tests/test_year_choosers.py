"""The year pickers of 一括入力, Excel で入力 and 公表 open at the year that has work, and mark drafts."""

import re

from django.urls import reverse

from indicators.models import IndicatorValue
from publications.status import year_work
from tests.factories import make_indicator, make_measure, make_plan, make_policy, publish


def selected_year(page: str) -> str:
    """The label of the selected option of the 年度 select."""
    select = re.search(r'<select name="fy"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.search(r"<option [^>]*selected>([^<]*)</option>", select).group(1)


def change_value(plan, code, fy, value):
    row = IndicatorValue.objects.get(indicator__plan=plan, indicator__code=code, fiscal_year=fy)
    row.value = value
    row.save()


def test_with_every_year_published_as_entered_the_work_is_the_year_after_the_last_publication(kumamoto_plan):
    # make run publishes FY2020 and FY2021; nothing has changed since.
    assert year_work(kumamoto_plan).fy == 2022
    assert year_work(kumamoto_plan).draft_years == ()


def test_a_change_to_a_published_year_makes_that_year_the_work(kumamoto_plan):
    change_value(kumamoto_plan, "1-1-1", 2021, 93)

    assert (year_work(kumamoto_plan).fy, year_work(kumamoto_plan).draft_years) == (2021, (2021,))


def test_the_latest_year_with_drafts_comes_first(kumamoto_plan):
    change_value(kumamoto_plan, "1-1-1", 2020, 80)
    IndicatorValue.objects.create(
        indicator=kumamoto_plan.indicators.get(code="1-1-1"), fiscal_year=2022, value=94
    )

    assert (year_work(kumamoto_plan).fy, year_work(kumamoto_plan).draft_years) == (2022, (2020, 2022))


def test_a_plan_with_nothing_entered_opens_at_its_first_year(db):
    assert year_work(make_plan(start_fy=2025, end_fy=2029)).fy == 2025


def test_a_plan_published_to_its_last_year_opens_at_its_last_year(db):
    plan = make_plan(start_fy=2020, end_fy=2021)
    make_indicator(make_measure(make_policy(plan)), actuals={2020: 1, 2021: 2})
    publish(plan)

    assert year_work(plan).fy == 2021


def test_the_bulk_entry_screen_opens_at_the_year_after_the_last_publication(admin_client, kumamoto_plan):
    page = admin_client.get(reverse("admin:indicators_indicatorvalue_bulk")).content.decode()

    assert selected_year(page) == "令和4年度（2022年度）"
    assert "下書き（公表していない変更）のある年度" not in page


def test_the_publish_screen_opens_at_the_year_with_drafts_and_names_every_such_year(
    admin_client, kumamoto_plan
):
    change_value(kumamoto_plan, "3-1-1", 2020, 9)
    change_value(kumamoto_plan, "3-1-1", 2021, 12)

    page = admin_client.get(reverse("admin:publications_publication_publish")).content.decode()

    assert selected_year(page) == "令和3年度（2021年度） ― 下書きあり"
    assert (
        ">令和2年度（2020年度） ― 下書きあり</option>" in page and ">令和4年度（2022年度）</option>" in page
    )
    assert "下書き（公表していない変更）のある年度：令和2年度（2020年度）、令和3年度（2021年度）" in page


def test_the_excel_entry_screen_opens_at_the_same_year_as_the_bulk_entry(admin_client, kumamoto_plan):
    change_value(kumamoto_plan, "1-2-1", 2021, 2)

    page = admin_client.get(reverse("admin:indicators_indicatorvalue_import")).content.decode()

    assert selected_year(page) == "令和3年度（2021年度） ― 下書きあり"
