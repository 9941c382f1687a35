from io import StringIO

import pytest
from django.core.management import call_command

from indicators.models import Indicator, IndicatorValue
from initiatives.models import Narrative
from plans.models import Plan


def make(*args: str) -> str:
    output = StringIO()
    call_command("make_synthetic_data", *args, stdout=output)
    return output.getvalue()


@pytest.mark.django_db
def test_it_makes_the_plans_asked_for_with_every_year_and_narratives():
    make("--plans", "2", "--indicators", "7", "--years", "3", "--prefix", "t")

    assert sorted(Plan.objects.values_list("slug", flat=True)) == ["t-1", "t-2"]
    plan = Plan.objects.get(slug="t-1")
    assert (plan.start_fy, plan.end_fy) == (2015, 2017)
    assert Indicator.objects.filter(plan=plan).count() == 7
    assert IndicatorValue.objects.filter(indicator__plan=plan).count() == 7 * 3
    # Two measures (5 and 2 indicators), each with 3 entries a year.
    assert Narrative.objects.filter(measure__policy__plan=plan).count() == 2 * 3 * 3


@pytest.mark.django_db
def test_the_same_arguments_give_the_same_data_and_if_missing_skips_existing_plans(client):
    make("--plans", "1", "--indicators", "5", "--years", "2", "--prefix", "t")
    first = list(
        IndicatorValue.objects.order_by("indicator__code", "fiscal_year").values_list("value", flat=True)
    )
    make("--plans", "1", "--indicators", "5", "--years", "2", "--prefix", "t")
    output = make("--plans", "1", "--indicators", "5", "--years", "2", "--prefix", "t", "--if-missing")

    again = list(
        IndicatorValue.objects.order_by("indicator__code", "fiscal_year").values_list("value", flat=True)
    )
    assert first == again
    assert "飛ばしました" in output


@pytest.mark.django_db
def test_with_publish_its_plans_are_published_and_shown_on_the_public_pages(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make("--plans", "1", "--indicators", "5", "--years", "2", "--prefix", "t", "--publish")

    plan = client.get("/api/plans/t-1/?fy=2016").json()
    indicators = [i for policy in plan["policies"] for m in policy["measures"] for i in m["indicators"]]
    narratives = [n for policy in plan["policies"] for m in policy["measures"] for n in m["narratives"]]
    assert len(indicators) == 5
    assert all(len(indicator["actuals"]) == 2 for indicator in indicators)  # published, so citizens see them
    assert narratives and all(narrative["text"] for narrative in narratives)
    assert client.get("/plans/t-1/").status_code == 200


@pytest.mark.django_db
def test_without_publish_its_plans_are_working_data_only(client):
    make("--plans", "1", "--indicators", "5", "--years", "2", "--prefix", "t")

    assert client.get("/plans/t-1/").status_code == 404


def test_no_percentage_it_makes_is_over_100_whatever_the_seed():
    import random

    from publications.management.commands.make_synthetic_data import indicator_document

    percentages = []
    for seed in range(3000):
        item = indicator_document(random.Random(seed), "1-1-1", "見守り", 2015, 2024)
        if item["unit"] == "％":
            percentages += list(item["actuals"].values())

    assert len(percentages) > 1000  # about one indicator in seven is a percentage
    assert max(percentages) <= 100 and min(percentages) >= 0
