"""The admin index leads with the yearly tasks and where each plan's year stands."""

from datetime import date

import pytest
from django.urls import reverse

from indicators.models import IndicatorValue
from publications.status import fiscal_year_of, plan_statuses
from tests.factories import make_staff


@pytest.mark.parametrize(
    ("day", "fy"), [(date(2022, 3, 31), 2021), (date(2022, 4, 1), 2022), (date(2026, 12, 3), 2026)]
)
def test_a_day_falls_in_the_fiscal_year_that_starts_in_april(day, fy):
    assert fiscal_year_of(day) == fy


def test_the_index_offers_the_three_yearly_tasks_first(admin_client, kumamoto_plan):
    page = admin_client.get(reverse("admin:index")).content.decode()

    tasks = [page.index(label) for label in ("年度ごとの一括入力", "Excel で入力", "下書きの確認と公表")]
    assert tasks == sorted(tasks) and tasks[-1] < page.index(
        'id="content-related"' if 'id="content-related"' in page else "app-list"
    )


def test_the_status_of_the_kumamoto_plan_counts_its_values_and_publications(kumamoto_plan):
    status = next(s for s in plan_statuses(date(2022, 5, 1)) if s.plan == kumamoto_plan)

    # On 1 May 2022 the plan's years so far are FY2022, FY2021 and FY2020 (the latest first).
    assert [year.fy for year in status.years] == [2022, 2021, 2020]
    fy2021 = status.years[1]
    assert (fy2021.values_entered, fy2021.indicators, fy2021.publication.number) == (10, 10, 1)
    assert fy2021.has_drafts is False  # published as entered
    assert status.years[0].publication is None and status.years[0].has_drafts is False
    # The plan file names no organisation: all ten indicators wait for one.
    assert status.without_organisation == 10


def test_a_value_changed_after_publishing_shows_as_a_draft_waiting(kumamoto_plan):
    value = IndicatorValue.objects.get(
        indicator__plan=kumamoto_plan, indicator__code="1-1-1", fiscal_year=2021
    )
    value.value = 93
    value.save()

    status = next(s for s in plan_statuses(date(2022, 5, 1)) if s.plan == kumamoto_plan)

    assert status.years[1].has_drafts is True and status.years[2].has_drafts is False


def test_the_index_warns_of_indicators_without_an_organisation(admin_client, kumamoto_plan):
    page = admin_client.get(reverse("admin:index")).content.decode()

    assert "担当組織が未設定の成果指標が10件あります。" in page


def test_the_sign_in_records_come_last_and_in_japanese(admin_client, kumamoto_plan):
    page = admin_client.get(reverse("admin:index")).content.decode()

    assert "サインインの記録（django-axes）" in page and "サインインの失敗の記録" in page
    assert page.rindex("サインインの記録（django-axes）") > page.rindex("公表・訂正の履歴")


def test_an_entry_clerk_sees_the_entry_tasks_but_not_publishing(client, django_user_model, kumamoto_plan):
    client.force_login(make_staff(django_user_model, "clerk", "田中", "入力担当"))

    page = client.get(reverse("admin:index")).content.decode()

    assert "年度ごとの一括入力" in page and "下書きの確認と公表" not in page
