"""The plan file names the organisations that make a plan and which measures and indicators each answers for."""

import json

import pytest
from django.core.exceptions import ValidationError

from indicators.models import Indicator
from plans.models import Measure, Organisation
from publications.planfile import dump_plan, import_plan_file
from tests.factories import make_indicator, make_measure, make_plan, make_policy, publish
from tests.publications.test_planfile import SMALL_PLAN, write

WITH_ORGANISATIONS = (
    SMALL_PLAN.replace("end_fy: 2024\n", "end_fy: 2024\norganisations:\n- 熊本市\n- 熊本市社会福祉協議会\n")
    .replace("    title: 担い手の確保\n", "    title: 担い手の確保\n    organisation: 熊本市社会福祉協議会\n")
    .replace("      actuals: {}\n", "      actuals: {}\n      organisation: 熊本市\n")
)


@pytest.mark.django_db
def test_importing_creates_the_organisations_in_the_files_order_and_assigns_them(tmp_path):
    plan, _ = import_plan_file(write(tmp_path, WITH_ORGANISATIONS))

    assert plan.organisation_names() == ["熊本市", "熊本市社会福祉協議会"]
    measure = Measure.objects.get(policy__plan=plan)
    assert measure.organisation.name == "熊本市社会福祉協議会"
    # 1-1-1 names none, so its measure's organisation answers for it; 1-1-2 names its own.
    by_code = {i.code: i.organisation for i in Indicator.objects.filter(plan=plan)}
    assert by_code == {"1-1-1": None, "1-1-2": Organisation.objects.get(name="熊本市")}


@pytest.mark.django_db
def test_the_organisations_round_trip_byte_for_byte(tmp_path):
    plan, _ = import_plan_file(write(tmp_path, WITH_ORGANISATIONS))

    assert dump_plan(plan) == WITH_ORGANISATIONS


@pytest.mark.django_db
def test_reimporting_keeps_existing_organisations_and_their_members(tmp_path, django_user_model):
    council = Organisation.objects.create(name="熊本市社会福祉協議会")
    council.members.add(django_user_model.objects.create_user("staff"))

    import_plan_file(write(tmp_path, WITH_ORGANISATIONS))
    import_plan_file(write(tmp_path, WITH_ORGANISATIONS))

    assert Organisation.objects.count() == 2
    assert Organisation.objects.get(pk=council.pk).members.count() == 1


@pytest.mark.django_db
def test_the_kumamoto_plan_file_makes_the_plan_theirs_jointly_and_assigns_nothing(kumamoto_drafts):
    assert kumamoto_drafts.organisation_names() == ["熊本市", "熊本市社会福祉協議会"]
    assert not Measure.objects.filter(policy__plan=kumamoto_drafts, organisation__isnull=False).exists()
    assert not Indicator.objects.filter(plan=kumamoto_drafts, organisation__isnull=False).exists()


@pytest.mark.django_db
def test_an_organisation_responsible_before_the_plan_named_its_own_is_listed_so_the_file_reads_back(tmp_path):
    plan = make_plan()
    indicator = make_indicator(make_measure(make_policy(plan)))
    indicator.organisation = Organisation.objects.create(name="健康福祉局")
    indicator.save()

    text = dump_plan(plan)
    again, _ = import_plan_file(write(tmp_path, text))

    assert "organisations:\n- 健康福祉局\n" in text
    assert dump_plan(again) == text


@pytest.mark.django_db
def test_the_admin_refuses_a_responsible_organisation_that_does_not_make_the_plan(tmp_path):
    plan, _ = import_plan_file(write(tmp_path, WITH_ORGANISATIONS))
    other = Organisation.objects.create(name="別の団体")
    measure = Measure.objects.get(policy__plan=plan)
    indicator = Indicator.objects.get(plan=plan, code="1-1-1")
    measure.organisation = indicator.organisation = other

    for row in (measure, indicator):
        with pytest.raises(ValidationError) as refused:
            row.full_clean()
        assert refused.value.message_dict["organisation"] == [
            "「別の団体」はこの計画を策定する組織（熊本市、熊本市社会福祉協議会）ではありません。"
        ]


@pytest.mark.django_db
def test_the_publication_names_the_organisations_in_order(client, tmp_path):
    plan, _ = import_plan_file(write(tmp_path, WITH_ORGANISATIONS))
    publish(plan)

    data = json.loads(client.get(f"/api/plans/{plan.slug}/").content)

    assert data["organisations"] == ["熊本市", "熊本市社会福祉協議会"]


@pytest.mark.django_db
def test_naming_the_organisations_after_publishing_shows_as_a_change_to_publish(tmp_path):
    from publications.publishing import pending

    plan, _ = import_plan_file(write(tmp_path, SMALL_PLAN))
    publish(plan, 2021)
    import_plan_file(write(tmp_path, WITH_ORGANISATIONS))

    found = [(c.subject, c.what, c.before, c.after) for c in pending(plan, 2021).changes]

    assert ("計画", "計画を策定する組織", "（なし）", "熊本市・熊本市社会福祉協議会") in found
