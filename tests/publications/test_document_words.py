"""The document's words for choices the models define are the models' own: one list each."""

import pytest
from django.core.exceptions import ValidationError

from indicators.models import CarryOver, Indicator
from initiatives.models import Narrative, ReviewStage
from publications import document as doc
from tests.factories import make_indicator, make_measure, make_plan, make_policy


def test_the_narrative_sections_and_their_labels_are_the_models_in_its_order():
    assert dict(Narrative.Section.choices) == doc.SECTION_LABELS
    assert list(doc.SECTIONS) == list(Narrative.Section.values)


def test_the_carry_over_kinds_and_review_stages_are_the_models():
    assert dict(CarryOver.choices) == doc.CARRY_KINDS
    assert dict(ReviewStage.choices) == doc.REVIEW_STAGES


@pytest.mark.django_db
def test_an_indicator_of_a_plan_without_a_predecessor_cannot_carry_over():
    indicator = make_indicator(make_measure(make_policy(make_plan())), code="1-1-1")
    indicator.carry_over, indicator.carried_from = "continued", "1-1-1"
    with pytest.raises(ValidationError) as refused:
        indicator.full_clean()
    assert "前の計画がない計画の指標には、引き継ぎの区分や前の計画の指標コードを設定できません。" in str(
        refused.value
    )


@pytest.mark.django_db
def test_an_indicator_carries_over_only_an_indicator_its_predecessor_has():
    before = make_plan(slug="first", end_fy=2024)
    make_indicator(make_measure(make_policy(before)), code="1-1-1")
    after = make_plan(slug="second", start_fy=2025, end_fy=2029, predecessor=before)
    indicator = make_indicator(make_measure(make_policy(after)), code="1-1-1")
    indicator.carry_over, indicator.carried_from = "continued", "9-9-9"
    with pytest.raises(ValidationError) as refused:
        indicator.full_clean()
    assert "前の計画（テスト計画）に指標コード「9-9-9」の成果指標はありません。" in str(refused.value)
    indicator.carried_from = "1-1-1"
    indicator.full_clean()
    indicator.carry_over, indicator.carried_from = "revised", ""
    with pytest.raises(
        ValidationError, match="「見直し」の指標には、前の計画の指標コードを入力してください。"
    ):
        indicator.full_clean()
    assert Indicator.objects.filter(plan=after).count() == 1


@pytest.mark.django_db
def test_a_plan_must_start_after_its_predecessor_ends():
    before = make_plan(slug="first", end_fy=2024)
    after = make_plan(slug="second", start_fy=2024, end_fy=2028)
    after.predecessor = before
    with pytest.raises(ValidationError, match="前の計画（テスト計画）は2024年度までの計画です。"):
        after.full_clean()
