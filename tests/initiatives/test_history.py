"""The change history staff read for an indicator (initiatives/history.py), from the first import on."""

from indicators.models import Indicator
from initiatives.history import indicator_history
from initiatives.models import Narrative
from tests.factories import make_indicator, make_measure, make_narrative, make_plan, make_policy

# The Kumamoto plan file has 46 narrative bullets.
KUMAMOTO_NARRATIVES = 46


def test_import_plan_writes_a_history_record_for_every_narrative_it_creates(kumamoto_plan):
    narratives = Narrative.objects.filter(measure__policy__plan=kumamoto_plan)

    assert narratives.count() == KUMAMOTO_NARRATIVES
    assert Narrative.history.filter(history_type="+").count() == KUMAMOTO_NARRATIVES
    assert set(Narrative.history.values_list("id", flat=True)) == set(narratives.values_list("id", flat=True))


def test_the_first_edit_after_an_import_shows_the_imported_text_as_before(kumamoto_plan):
    indicator = Indicator.objects.get(plan=kumamoto_plan, code="1-1-1")
    narrative = Narrative.objects.filter(indicator=indicator).order_by("fiscal_year", "position").first()
    imported = narrative.text
    narrative.text = "書面審査を導入した（訂正）。"
    narrative.save()

    change = indicator_history(indicator)[0]

    assert (change.before, change.after) == (imported, "書面審査を導入した（訂正）。")


def test_a_narrative_about_the_whole_measure_is_on_the_history_of_each_of_its_indicators(db):
    measure = make_measure(make_policy(make_plan()))
    first = make_indicator(measure, code="1-1-1")
    second = make_indicator(measure, code="1-1-2", name="二つ目の指標")
    elsewhere = make_indicator(make_measure(measure.policy, number=2), code="1-2-1", name="別の取組の指標")
    make_narrative(measure, fiscal_year=2021, section="issues", text="取組全体の課題")

    for indicator in (first, second):
        whats = [(c.what, c.after) for c in indicator_history(indicator)]
        assert ("2021年度の課題・改善事項・方針（取組全体）", "取組全体の課題") in whats, indicator.code
    assert all(c.after != "取組全体の課題" for c in indicator_history(elsewhere))
