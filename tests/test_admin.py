"""The admin as city staff use it: every page opens, in Japanese, and mistakes get Japanese messages."""

import pytest
from django.urls import reverse

from indicators.models import Indicator
from tests.factories import make_indicator, make_measure, make_narrative, make_plan, make_policy


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="staff", password="x-unused-password-1")
    client.force_login(user)
    return client


@pytest.fixture
def measure(db):
    return make_measure(make_policy(make_plan()))


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:plans_plan_changelist",
        "admin:plans_basicpolicy_changelist",
        "admin:plans_measure_changelist",
        "admin:indicators_indicator_changelist",
        "admin:initiatives_narrative_changelist",
        "admin:indicators_indicator_add",
        "admin:initiatives_narrative_add",
        "admin:initiatives_measurereview_changelist",
        "admin:initiatives_measurereview_add",
        "admin:plans_plan_add",
    ],
)
def test_every_admin_page_opens_for_staff(staff_client, kumamoto_plan, url_name):
    response = staff_client.get(reverse(url_name))

    assert response.status_code == 200


def test_the_indicator_list_shows_baseline_and_target_in_japanese(staff_client, kumamoto_plan):
    response = staff_client.get(reverse("admin:indicators_indicator_changelist"))

    content = response.content.decode()
    assert "民生委員・児童委員、主任児童委員の定員充足率" in content
    assert "95.1％（2018年度）" in content
    assert "なし" in content  # 2-1-2 has no baseline


def test_the_indicator_page_opens_with_its_yearly_values_inline(staff_client, kumamoto_plan):
    indicator = Indicator.objects.get(code="1-1-1")

    response = staff_client.get(reverse("admin:indicators_indicator_change", args=[indicator.pk]))

    content = response.content.decode()
    assert 'value="92.43"' in content
    assert "実績値" in content


def indicator_form_data(measure, **overrides):
    data = {
        "measure": measure.pk,
        "code": "1-1-9",
        "position": 0,
        "name": "新しい指標",
        "unit": "人",
        "direction": "increase",
        "baseline_fy": "",
        "baseline_value": "",
        "target_fy": "",
        "target_value": "",
        "tolerance": "0",
        "yearly_targets-TOTAL_FORMS": 0,
        "yearly_targets-INITIAL_FORMS": 0,
        "values-TOTAL_FORMS": 0,
        "values-INITIAL_FORMS": 0,
    }
    return data | overrides


def test_staff_can_add_an_indicator_and_its_plan_follows_from_the_measure(staff_client, measure):
    response = staff_client.post(reverse("admin:indicators_indicator_add"), indicator_form_data(measure))

    assert response.status_code == 302
    assert Indicator.objects.get(code="1-1-9").plan == measure.policy.plan


def test_a_duplicate_indicator_code_gets_a_japanese_message_next_to_the_field(staff_client, measure):
    make_indicator(measure, code="1-1-9")

    response = staff_client.post(reverse("admin:indicators_indicator_add"), indicator_form_data(measure))

    assert response.status_code == 200
    assert "この計画には同じ指標コードの成果指標がすでにあります。" in response.content.decode()
    assert Indicator.objects.count() == 1


def test_a_baseline_year_without_a_value_gets_a_japanese_message(staff_client, measure):
    response = staff_client.post(
        reverse("admin:indicators_indicator_add"), indicator_form_data(measure, baseline_fy=2018)
    )

    assert response.status_code == 200
    assert "基準値は年度と値の両方を入力するか" in response.content.decode()
    assert not Indicator.objects.exists()


def test_text_in_a_value_field_gets_a_japanese_message(staff_client, measure):
    response = staff_client.post(
        reverse("admin:indicators_indicator_add"),
        indicator_form_data(measure, baseline_fy=2018, baseline_value="九十五"),
    )

    assert response.status_code == 200
    assert "数値を入力してください" in response.content.decode()


def test_a_narrative_tied_to_another_measures_indicator_is_refused(staff_client, measure):
    other = make_indicator(make_measure(measure.policy, number=2), code="1-2-1")

    response = staff_client.post(
        reverse("admin:initiatives_narrative_add"),
        {
            "measure": measure.pk,
            "indicator": other.pk,
            "fiscal_year": 2020,
            "section": "initiatives",
            "position": 1,
            "text": "内容",
        },
    )

    assert response.status_code == 200
    assert "この成果指標は選択した取組のものではありません。" in response.content.decode()


def test_two_narratives_in_the_same_place_get_a_japanese_message(staff_client, measure):
    make_narrative(measure, fiscal_year=2020, section="initiatives", position=1)

    response = staff_client.post(
        reverse("admin:initiatives_narrative_add"),
        {"measure": measure.pk, "fiscal_year": 2020, "section": "initiatives", "position": 1, "text": "内容"},
    )

    assert response.status_code == 200
    assert "同じ取組・年度・区分に同じ順番の項目がすでにあります。" in response.content.decode()


def test_staff_can_set_a_plans_grading_rule_in_the_admin(staff_client, kumamoto_plan):
    response = staff_client.get(reverse("admin:plans_plan_change", args=[kumamoto_plan.pk]))

    content = response.content.decode()
    assert 'name="grading_method"' in content
    assert "達成率の区分で評価" in content
    assert "評価区分（「達成率の区分で評価」のとき、上から順に当てはめます）" in content
    assert 'name="grade_bands-TOTAL_FORMS"' in content


def test_the_organisation_list_counts_members(staff_client, db):
    from plans.models import Organisation

    Organisation.objects.create(name="熊本市社会福祉協議会")

    response = staff_client.get(reverse("admin:plans_organisation_changelist"))

    assert "熊本市社会福祉協議会" in response.content.decode()


def test_a_measure_given_a_number_its_policy_already_has_gets_a_message_rather_than_a_server_error(
    staff_client, measure
):
    other = make_measure(measure.policy, number=2, title="別の取組")
    url = reverse("admin:plans_measure_change", args=[other.pk])

    response = staff_client.post(url, {"number": 1, "title": "別の取組", "organisation": ""})

    assert response.status_code == 200
    assert "この基本方針には同じ番号の取組がすでにあります。" in response.content.decode()
    other.refresh_from_db()
    assert other.number == 2


def test_a_measure_stays_in_its_basic_policy_whatever_the_form_posts(staff_client, measure):
    elsewhere = make_policy(measure.policy.plan, number=2, title="別の方針")
    url = reverse("admin:plans_measure_change", args=[measure.pk])

    policy = measure.policy_id

    staff_client.post(
        url, {"policy": elsewhere.pk, "number": 1, "title": "名前を変えた取組", "organisation": ""}
    )

    measure.refresh_from_db()
    assert (measure.policy_id, measure.title) == (policy, "名前を変えた取組")


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "https:///evil.example"]
)
def test_a_sign_in_whose_next_address_is_refused_lands_on_the_admin_index(
    client, django_user_model, next_url
):
    django_user_model.objects.create_user("clerk", password="correct horse battery", is_staff=True)
    login = reverse("admin:login")

    response = client.post(
        f"{login}?next={next_url}",
        {"username": "clerk", "password": "correct horse battery", "next": next_url},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_the_plan_page_offers_the_final_grading_the_review_marks_and_the_predecessor(
    staff_client, kumamoto_plan
):
    content = staff_client.get(reverse("admin:plans_plan_change", args=[kumamoto_plan.pk])).content.decode()
    assert 'name="final_grading_method"' in content and 'name="final_tolerance_percent"' in content
    assert 'name="review_marks-TOTAL_FORMS"' in content and 'name="grade_bands-2-TOTAL_FORMS"' in content
    assert 'name="predecessor"' in content
    assert (
        "選んだ計画の次期計画を作る"
        in staff_client.get(reverse("admin:plans_plan_changelist")).content.decode()
    )


def test_a_yearly_target_entered_in_the_admin_is_checked_against_the_indicators_years(staff_client, measure):
    indicator = make_indicator(measure, code="1-1-1", target=(2024, 100))
    data = indicator_form_data(
        measure,
        code="1-1-1",
        target_fy="2024",
        target_value="100",
        expected_version=indicator.version,
        **{
            "yearly_targets-TOTAL_FORMS": 1,
            "yearly_targets-0-fiscal_year": "2024",
            "yearly_targets-0-value": "90",
        },
    )
    response = staff_client.post(reverse("admin:indicators_indicator_change", args=[indicator.pk]), data)
    assert response.status_code == 200
    assert (
        "年度目標の年度（2024年度）は目標値の年度（2024年度）より前にしてください。"
        in response.content.decode()
    )
    assert not indicator.yearly_targets.exists()

    data["yearly_targets-0-fiscal_year"] = "2022"
    saved = staff_client.post(reverse("admin:indicators_indicator_change", args=[indicator.pk]), data)
    assert saved.status_code == 302
    assert list(indicator.yearly_targets.values_list("fiscal_year", "value")) == [(2022, 90)]
