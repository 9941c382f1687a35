"""The migration that turns what a running site published (the old published_value and published_text
columns) into first publications, so that citizens see the same figures after the upgrade."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("plans", "0002_roles"),
    ("indicators", "0001_initial"),
    ("initiatives", "0001_initial"),
    ("publications", "0002_refuse_changes_in_the_database"),
]
AFTER = [
    ("indicators", "0002_published_columns_become_publications"),
    ("initiatives", "0002_published_columns_become_publications"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_site(transactional_db):
    """A site as it was before publications: one plan, values and narratives, some published, some drafts."""
    apps = migrate(BEFORE)
    Plan = apps.get_model("plans", "Plan")
    BasicPolicy = apps.get_model("plans", "BasicPolicy")
    Measure = apps.get_model("plans", "Measure")
    Indicator = apps.get_model("indicators", "Indicator")
    IndicatorValue = apps.get_model("indicators", "IndicatorValue")
    Narrative = apps.get_model("initiatives", "Narrative")
    plan = Plan.objects.create(slug="old-plan", title="移行前の計画", start_fy=2020, end_fy=2024)
    measure = Measure.objects.create(
        policy=BasicPolicy.objects.create(plan=plan, number=1, title="方針"), number=1, title="取組"
    )
    indicator = Indicator.objects.create(
        plan=plan,
        measure=measure,
        code="1-1-1",
        name="充足率",
        unit="％",
        direction="increase",
        baseline_fy=2018,
        baseline_value="95.1",
        target_fy=2024,
        target_value="100",
    )
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2020, value="91.8", published_value="91.8")
    # FY2021: entered as 93 after 92.43 was published; citizens saw 92.43.
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2021, value="93", published_value="92.43")
    IndicatorValue.objects.create(indicator=indicator, fiscal_year=2022, value="94")  # a draft only
    Narrative.objects.create(
        measure=measure,
        fiscal_year=2020,
        section="initiatives",
        position=1,
        text="研修を行った。",
        published_text="研修を行った。",
    )
    Narrative.objects.create(
        measure=measure, fiscal_year=2021, section="issues", position=1, text="下書きの課題"
    )
    yield
    migrate(AFTER)  # leave the database as the rest of the suite expects it


def test_what_was_published_becomes_the_first_publication_of_each_year_and_drafts_stay_out(old_site):
    apps = migrate(AFTER)
    Publication = apps.get_model("publications", "Publication")

    publications = {p.fiscal_year: p for p in Publication.objects.filter(plan__slug="old-plan")}

    assert sorted(publications) == [2020, 2021]  # FY2022 had drafts only
    assert {p.number for p in publications.values()} == {1}
    fy2021 = json.loads(publications[2021].content)
    indicator = fy2021["policies"][0]["measures"][0]["indicators"][0]
    assert indicator["actuals"] == {"2020": 91.8, "2021": 92.43}  # what citizens saw, not the draft 93
    assert indicator["evaluation"]["grade"] == {
        "mark": "×",
        "label": "後退",
    }  # 92.43 is below the baseline 95.1
    assert fy2021["policies"][0]["measures"][0]["narratives"] == [
        {
            "fy": 2020,
            "section": "initiatives",
            "position": 1,
            "indicator": None,
            "text": "研修を行った。",
            "text_en": "",  # a document gives each text's English beside it; these had none
        }
    ]
    fy2020 = json.loads(publications[2020].content)
    assert fy2020["policies"][0]["measures"][0]["indicators"][0]["actuals"] == {"2020": 91.8}
    assert "導入する前" in publications[2020].note


def test_the_working_data_keeps_the_drafts_after_the_migration(old_site):
    apps = migrate(AFTER)
    IndicatorValue = apps.get_model("indicators", "IndicatorValue")

    values = dict(IndicatorValue.objects.filter(indicator__code="1-1-1").values_list("fiscal_year", "value"))

    assert {fy: str(value) for fy, value in values.items()} == {2020: "91.8", 2021: "93", 2022: "94"}
