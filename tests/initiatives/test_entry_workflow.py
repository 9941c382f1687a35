"""Yearly entry by city staff: the roles, the bulk screen, drafts and publishing, lost updates and history.

The world is small and explicit. 熊本市 enters 1-1-1 (％) and 1-1-2 (件); 熊本市社会福祉協議会 enters 1-1-3 (人,
an indicator of the city's measure that names the council as its organisation) and 2-1-1 (箇所, of the
council's measure), and has already saved a draft of 2-1-1 for 2022. Every indicator has a published 2021
value; 2022 is the year being entered.
"""

import csv
import io
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from initiatives import entry
from initiatives.models import Narrative
from plans.models import Measure, Organisation
from tests.factories import make_indicator, make_narrative, make_plan, make_policy, make_staff

FY = 2022
FY_LABEL = "令和4年度（2022年度）"


@pytest.fixture
def world(db, django_user_model):
    city = Organisation.objects.create(name="熊本市")
    council = Organisation.objects.create(name="熊本市社会福祉協議会")
    plan = make_plan(slug="entry-plan", title="入力テスト計画", start_fy=2020, end_fy=2024)
    city_measure = Measure.objects.create(
        policy=make_policy(plan, number=1, title="地域で支え合う"),
        number=1,
        title="見守りの充実",
        organisation=city,
    )
    council_measure = Measure.objects.create(
        policy=make_policy(plan, number=2, title="活動の担い手を育てる"),
        number=1,
        title="サロン活動の支援",
        organisation=council,
    )
    rate = make_indicator(
        city_measure,
        code="1-1-1",
        name="民生委員・児童委員の定員充足率",
        unit="％",
        baseline=(2018, "90"),
        target=(2024, "100"),
        actuals={2021: "92.4"},
    )
    consultations = make_indicator(
        city_measure, code="1-1-2", name="福祉の相談件数", unit="件", actuals={2021: "5233"}
    )
    volunteers = make_indicator(
        city_measure,
        code="1-1-3",
        name="ボランティア登録者数",
        unit="人",
        actuals={2021: "310"},
        organisation=council,
    )
    salons = make_indicator(
        council_measure, code="2-1-1", name="ふれあい・いきいきサロンの数", unit="箇所", actuals={2021: "120"}
    )
    salons_draft = IndicatorValue.objects.create(
        indicator=salons, fiscal_year=FY, value=Decimal("125"), note="新規5箇所"
    )
    council_narrative = make_narrative(
        council_measure, fiscal_year=FY, text="サロンの立ち上げを支援した。", published=False
    )
    return SimpleNamespace(
        city=city,
        council=council,
        plan=plan,
        city_measure=city_measure,
        council_measure=council_measure,
        rate=rate,
        consultations=consultations,
        volunteers=volunteers,
        salons=salons,
        salons_draft=salons_draft,
        council_narrative=council_narrative,
        clerk=make_staff(django_user_model, "city-clerk", "田中", "入力担当", city),
        colleague=make_staff(django_user_model, "city-clerk-2", "佐藤", "入力担当", city),
        council_clerk=make_staff(django_user_model, "council-clerk", "中村", "入力担当", council),
        approver=make_staff(django_user_model, "approver", "山本", "承認者"),
        viewer=make_staff(django_user_model, "viewer", "小林", "閲覧"),
    )


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def bulk_url(world, fy=FY) -> str:
    return reverse("admin:indicators_indicatorvalue_bulk") + f"?plan={world.plan.pk}&fy={fy}"


def publish_url(world, fy=FY) -> str:
    return reverse("admin:indicators_indicatorvalue_publish") + f"?plan={world.plan.pk}&fy={fy}"


def bulk_form(rows) -> dict:
    """The POST of the bulk screen: rows are (indicator, value, note, version) in the order of the screen."""
    data = {
        "form-TOTAL_FORMS": len(rows),
        "form-INITIAL_FORMS": len(rows),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
    }
    for i, (indicator, value, note, version) in enumerate(rows):
        data |= {
            f"form-{i}-indicator_id": indicator.pk,
            f"form-{i}-version": version,
            f"form-{i}-value": value,
            f"form-{i}-note": note,
        }
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def values_of(indicator) -> dict[int, tuple[Decimal, Decimal | None]]:
    """{fiscal year: (value, published value)} as stored."""
    return {
        v.fiscal_year: (v.value, v.published_value)
        for v in IndicatorValue.objects.filter(indicator=indicator).order_by("fiscal_year")
    }


def table_row(content: str, code: str) -> str:
    """The <tr> of the bulk screen for one indicator code."""
    match = re.search(rf"<tr>\s*<td>{re.escape(code)}<input.*?</tr>", content, re.S)
    assert match, f"no row for {code}"
    return match.group(0)


def enter_city_values(world, rate="95.5", consultations="5300"):
    """田中 saves 2022's values of the city's two indicators through the bulk screen (drafts)."""
    response = signed_in(world.clerk).post(
        bulk_url(world),
        bulk_form([(world.rate, rate, "", 0), (world.consultations, consultations, "電話相談を含む", 0)]),
    )
    assert response.status_code == 302, messages_of(response)


# --- Roles ------------------------------------------------------------------------------------------------


def codenames(group_name: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.filter(group__name=group_name).select_related("content_type")
    }


VIEW_PERMISSIONS = {
    "plans.view_plan",
    "plans.view_basicpolicy",
    "plans.view_measure",
    "plans.view_organisation",
    "indicators.view_indicator",
    "indicators.view_indicatorvalue",
    "initiatives.view_narrative",
}
ENTER_PERMISSIONS = {
    "indicators.add_indicatorvalue",
    "indicators.change_indicatorvalue",
    "initiatives.add_narrative",
    "initiatives.change_narrative",
}


def test_the_entry_clerk_role_enters_values_and_narratives_but_neither_publishes_nor_sees_all(db):
    assert codenames("入力担当") == VIEW_PERMISSIONS | ENTER_PERMISSIONS


def test_the_approver_role_also_publishes_deletes_and_sees_every_organisation(db):
    assert codenames("承認者") == VIEW_PERMISSIONS | ENTER_PERMISSIONS | {
        "indicators.delete_indicatorvalue",
        "initiatives.delete_narrative",
        "indicators.publish_indicatorvalue",
        "indicators.view_all_organisations",
    }


def test_the_reader_role_sees_every_organisations_drafts_and_changes_nothing(db):
    assert codenames("閲覧") == VIEW_PERMISSIONS | {"indicators.view_all_organisations"}


def test_an_indicator_without_an_organisation_of_its_own_is_its_measures_organisations(world):
    assert set(Indicator.objects.responsible_for(world.clerk)) == {world.rate, world.consultations}
    assert set(Indicator.objects.responsible_for(world.council_clerk)) == {world.volunteers, world.salons}
    assert Indicator.objects.responsible_for(world.viewer).count() == 4


# --- Checking a typed value -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "message"),
    [
        ("たくさん", "人", "「たくさん」は数値ではありません。数値だけを入力してください。"),
        ("-3", "件", "件の値は0以上で入力してください。"),
        ("-0.5", "％", "％の値は0以上で入力してください。"),
        ("100.1", "％", "割合（％）は100以下で入力してください。"),
        ("12.34567", "人", "小数点以下は4桁までで入力してください。"),
        ("12345678901", "人", "数値が大きすぎます。"),
        ("NaN", "人", "数値を入力してください。"),
    ],
)
def test_a_value_that_cannot_be_stored_gets_a_japanese_message(text, unit, message):
    with pytest.raises(ValidationError) as error:
        entry.parse_value(text, unit)

    assert error.value.messages == [message]


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("1,234", "件", Decimal("1234")),
        (" 95.5％ ", "％", Decimal("95.5")),
        ("100", "％", Decimal("100")),
        ("0", "件", Decimal("0")),
        ("12.3456", "人", Decimal("12.3456")),
        ("-2.5", "ポイント", Decimal("-2.5")),  # a change in points may go down
        # Typed with the input method on, or with the half-width sign the screen shows beside the field:
        ("95.5%", "％", Decimal("95.5")),
        ("９５．５", "％", Decimal("95.5")),
        ("１，２３４件", "件", Decimal("1234")),
    ],
)
def test_a_value_as_staff_type_it_is_read_as_a_number(text, unit, expected):
    assert entry.parse_value(text, unit) == expected


# --- The bulk screen --------------------------------------------------------------------------------------


def test_the_bulk_screen_lists_only_the_users_indicators_with_last_years_value_beside_the_input(world):
    response = signed_in(world.clerk).get(bulk_url(world))

    content = response.content.decode()
    assert response.status_code == 200
    rate_row = table_row(content, "1-1-1")
    assert "民生委員・児童委員の定員充足率" in rate_row
    assert "<td>92.4％</td>" in rate_row
    assert 'name="form-0-value"' in rate_row
    consultations_row = table_row(content, "1-1-2")
    assert "<td>5,233件</td>" in consultations_row
    assert 'name="form-1-value"' in consultations_row
    assert "ボランティア登録者数" not in content
    assert "ふれあい・いきいきサロンの数" not in content
    assert 'name="form-2-value"' not in content


def test_the_bulk_screen_of_the_council_shows_its_draft_in_the_input(world):
    response = signed_in(world.council_clerk).get(bulk_url(world))

    content = response.content.decode()
    salons_row = table_row(content, "2-1-1")
    assert "<td>120箇所</td>" in salons_row
    assert 'value="125"' in salons_row
    assert "<td>下書き</td>" in salons_row
    assert "民生委員・児童委員の定員充足率" not in content


def test_saving_the_bulk_screen_stores_drafts_that_citizens_do_not_see(world):
    response = signed_in(world.clerk).post(
        bulk_url(world),
        bulk_form([(world.rate, "95.5", "", 0), (world.consultations, "5,300", "電話相談を含む", 0)]),
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        f"{FY_LABEL}の実績値を2件保存しました（下書き）。承認者が公開すると市民に表示されます。"
    ]
    assert values_of(world.rate)[FY] == (Decimal("95.5"), None)
    assert values_of(world.consultations)[FY] == (Decimal("5300"), None)
    assert IndicatorValue.objects.get(indicator=world.consultations, fiscal_year=FY).note == "電話相談を含む"
    page = Client().get(reverse("public:indicator", args=["entry-plan", "1-1-1"]) + "?fy=2022")
    assert "92.4％" in page.content.decode()
    assert "95.5" not in page.content.decode()


@pytest.mark.parametrize(
    ("rate", "consultations", "code", "message"),
    [
        ("abc", "5300", "1-1-1", "「abc」は数値ではありません。数値だけを入力してください。"),
        ("101", "5300", "1-1-1", "割合（％）は100以下で入力してください。"),
        ("95.5", "-5", "1-1-2", "件の値は0以上で入力してください。"),
    ],
)
def test_a_typing_error_gets_a_japanese_message_next_to_its_field_and_nothing_is_saved(
    world, rate, consultations, code, message
):
    response = signed_in(world.clerk).post(
        bulk_url(world), bulk_form([(world.rate, rate, "", 0), (world.consultations, consultations, "", 0)])
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<p class="errornote">{message}</p>' in table_row(content, code)
    other = "1-1-2" if code == "1-1-1" else "1-1-1"
    assert "errornote" not in table_row(content, other)
    assert "入力に誤りがあります。赤字のメッセージを確かめてください。何も保存していません。" in content
    assert FY not in values_of(world.rate)
    assert FY not in values_of(world.consultations)


def test_a_year_outside_the_plan_is_refused_on_the_bulk_screen(world):
    make_plan(slug="next-plan", title="次の計画", start_fy=2025, end_fy=2029)  # so that 2025 is offered
    client = signed_in(world.clerk)

    page = client.get(bulk_url(world, fy=2025))
    post = client.post(bulk_url(world, fy=2025), bulk_form([(world.rate, "95.5", "", 0)]))

    assert "2025年度は計画期間（2020～2024年度）の外です。" in page.content.decode()
    assert 'name="form-0-value"' not in page.content.decode()
    assert post.status_code == 200
    assert not IndicatorValue.objects.filter(fiscal_year=2025).exists()


def test_save_yearly_values_refuses_a_year_outside_the_plan(world):
    with pytest.raises(ValidationError) as error:
        entry.save_yearly_values(world.clerk, world.plan, 2025, [entry.ValueEntry(world.rate.pk, 1, "", 0)])

    assert error.value.messages == ["2025年度は計画期間（2020～2024年度）の外です。"]
    assert not IndicatorValue.objects.filter(fiscal_year=2025).exists()


# --- A staff member of one organisation and another's data ------------------------------------------------


def test_a_crafted_bulk_post_naming_another_organisations_indicator_changes_nothing(world):
    response = signed_in(world.clerk).post(
        bulk_url(world), bulk_form([(world.rate, "95.5", "", 0), (world.salons, "999", "", 0)])
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        "入力画面の内容が変わりました。画面を読み込み直してから入力してください。"
    ]
    assert values_of(world.salons)[FY] == (Decimal("125"), None)
    assert FY not in values_of(world.rate)


def test_a_bulk_post_with_an_extra_row_for_another_organisations_indicator_changes_nothing(world):
    response = signed_in(world.clerk).post(
        bulk_url(world),
        bulk_form(
            [(world.rate, "95.5", "", 0), (world.consultations, "5300", "", 0), (world.salons, "999", "", 0)]
        ),
    )

    # The rows no longer match the screen the clerk was shown: refused with a message, nothing saved.
    assert response.status_code == 302
    assert values_of(world.salons)[FY] == (Decimal("125"), None)
    assert FY not in values_of(world.rate)
    assert FY not in values_of(world.consultations)


def test_a_bulk_post_with_an_extra_row_and_a_typing_error_is_refused_without_a_server_error(world):
    client = signed_in(world.clerk, raise_request_exception=False)

    response = client.post(
        bulk_url(world),
        bulk_form(
            [(world.rate, "abc", "", 0), (world.consultations, "5300", "", 0), (world.salons, "999", "", 0)]
        ),
    )

    assert response.status_code in (200, 302, 403)
    assert values_of(world.salons)[FY] == (Decimal("125"), None)


def test_save_yearly_values_refuses_another_organisations_indicator(world):
    with pytest.raises(PermissionDenied):
        entry.save_yearly_values(
            world.clerk,
            world.plan,
            FY,
            [
                entry.ValueEntry(world.rate.pk, Decimal("95.5"), "", 0),
                entry.ValueEntry(world.salons.pk, 1, "", 0),
            ],
        )

    assert FY not in values_of(world.rate)
    assert values_of(world.salons)[FY] == (Decimal("125"), None)


def test_the_value_list_shows_a_clerk_only_their_own_organisations_values(world):
    enter_city_values(world)

    response = signed_in(world.clerk).get(reverse("admin:indicators_indicatorvalue_changelist"))

    content = response.content.decode()
    assert "1-1-1 民生委員・児童委員の定員充足率" in content
    assert "2-1-1" not in content
    assert "新規5箇所" not in content


def test_a_clerk_cannot_open_another_organisations_draft_value_in_the_admin(world):
    response = signed_in(world.clerk).get(
        reverse("admin:indicators_indicatorvalue_change", args=[world.salons_draft.pk])
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert "125" not in response.content.decode()


def test_a_clerk_cannot_open_another_organisations_draft_narrative_in_the_admin(world):
    response = signed_in(world.clerk).get(
        reverse("admin:initiatives_narrative_change", args=[world.council_narrative.pk])
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize(
    "url_name", ["admin:indicators_indicatorvalue_history", "admin:initiatives_narrative_history"]
)
def test_a_clerk_cannot_read_another_organisations_draft_through_its_history_page(world, url_name):
    draft = world.salons_draft if "indicatorvalue" in url_name else world.council_narrative

    response = signed_in(world.clerk).get(reverse(url_name, args=[draft.pk]))

    assert response.status_code in (302, 403, 404)
    assert "2-1-1 2022年度: 125" not in response.content.decode()


@pytest.mark.parametrize(
    "url_name",
    ["admin:indicators_indicatorvalue_simple_history", "admin:initiatives_narrative_simple_history"],
)
def test_a_clerk_cannot_read_another_organisations_draft_through_a_past_version(world, url_name):
    draft = world.salons_draft if "indicatorvalue" in url_name else world.council_narrative
    history_id = draft.history.latest().history_id

    response = signed_in(world.clerk).get(reverse(url_name, args=[draft.pk, history_id]))

    assert response.status_code in (302, 403, 404)
    assert "新規5箇所" not in response.content.decode()
    assert "サロンの立ち上げを支援した。" not in response.content.decode()


def test_a_clerk_cannot_read_another_organisations_changes_page(world):
    response = signed_in(world.clerk).get(
        reverse("admin:indicators_indicatorvalue_changes", args=[world.salons.pk])
    )

    assert response.status_code == 404


def test_a_crafted_post_adding_a_value_to_another_organisations_indicator_changes_nothing(world):
    response = signed_in(world.clerk).post(
        reverse("admin:indicators_indicatorvalue_add"),
        {"indicator": world.salons.pk, "fiscal_year": 2023, "value": "999", "note": ""},
    )

    assert response.status_code == 200
    assert "正しく選択してください。" in response.content.decode()
    assert 2023 not in values_of(world.salons)


def test_a_crafted_post_changing_another_organisations_value_changes_nothing(world):
    response = signed_in(world.clerk).post(
        reverse("admin:indicators_indicatorvalue_change", args=[world.salons_draft.pk]),
        {"indicator": world.salons.pk, "fiscal_year": FY, "value": "999", "note": ""},
    )

    assert response.status_code == 302
    assert values_of(world.salons)[FY] == (Decimal("125"), None)


def test_a_crafted_post_moving_an_own_value_to_another_organisations_indicator_changes_nothing(world):
    own = IndicatorValue.objects.get(indicator=world.rate, fiscal_year=2021)

    response = signed_in(world.clerk).post(
        reverse("admin:indicators_indicatorvalue_change", args=[own.pk]),
        {"indicator": world.salons.pk, "fiscal_year": 2021, "value": "999", "note": ""},
    )

    assert response.status_code == 200
    own.refresh_from_db()
    assert (own.indicator_id, own.value) == (world.rate.pk, Decimal("92.4"))


def narrative_form(measure, text, indicator=None, fiscal_year=FY, section="initiatives", position=1):
    return {
        "measure": measure.pk,
        "indicator": indicator.pk if indicator else "",
        "fiscal_year": fiscal_year,
        "section": section,
        "position": position,
        "text": text,
    }


def test_a_crafted_post_adding_a_narrative_to_another_organisations_measure_changes_nothing(world):
    response = signed_in(world.clerk).post(
        reverse("admin:initiatives_narrative_add"),
        narrative_form(world.council_measure, "書き換え", position=2),
    )

    assert response.status_code == 200
    assert "正しく選択してください。" in response.content.decode()
    assert Narrative.objects.filter(measure=world.council_measure).count() == 1


def test_a_crafted_post_tying_a_narrative_to_another_organisations_indicator_changes_nothing(world):
    response = signed_in(world.clerk).post(
        reverse("admin:initiatives_narrative_add"),
        narrative_form(world.city_measure, "ボランティアを募集した。", indicator=world.volunteers),
    )

    assert response.status_code == 200
    assert not Narrative.objects.filter(measure=world.city_measure).exists()


def test_a_crafted_post_changing_another_organisations_narrative_changes_nothing(world):
    response = signed_in(world.clerk).post(
        reverse("admin:initiatives_narrative_change", args=[world.council_narrative.pk]),
        narrative_form(world.council_measure, "書き換え"),
    )

    assert response.status_code == 302
    world.council_narrative.refresh_from_db()
    assert world.council_narrative.text == "サロンの立ち上げを支援した。"


def test_a_clerk_edits_a_narrative_about_their_own_indicator_under_another_organisations_measure(world):
    # 1-1-3 is the council's though it belongs to the city's measure, so its narratives are the council's.
    narrative = make_narrative(
        world.city_measure, fiscal_year=FY, text="登録説明会を開いた。", indicator=world.volunteers
    )

    response = signed_in(world.council_clerk).post(
        reverse("admin:initiatives_narrative_change", args=[narrative.pk]),
        narrative_form(world.city_measure, "登録説明会を3回開いた。", indicator=world.volunteers),
    )

    assert response.status_code == 302
    narrative.refresh_from_db()
    assert narrative.text == "登録説明会を3回開いた。"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_clerk_cannot_open_the_publish_screen(world, method):
    response = getattr(signed_in(world.clerk), method)(publish_url(world), {"scope": "all"})

    assert response.status_code == 403
    assert values_of(world.salons)[FY] == (Decimal("125"), None)


def test_publish_refuses_a_clerk(world):
    with pytest.raises(PermissionDenied):
        entry.publish(world.clerk, world.plan, FY)

    assert values_of(world.salons)[FY] == (Decimal("125"), None)


# --- 閲覧 -----------------------------------------------------------------------------------------------


def test_a_reader_reads_every_organisations_drafts_in_the_admin(world):
    enter_city_values(world)
    client = signed_in(world.viewer)

    values = client.get(reverse("admin:indicators_indicatorvalue_changelist") + "?status=draft")
    narratives = client.get(reverse("admin:initiatives_narrative_changelist"))
    draft = client.get(reverse("admin:indicators_indicatorvalue_change", args=[world.salons_draft.pk]))

    assert values.status_code == 200
    assert "1-1-1 民生委員・児童委員の定員充足率" in values.content.decode()
    assert "2-1-1 ふれあい・いきいきサロンの数" in values.content.decode()
    assert "新規5箇所" in values.content.decode()
    assert "サロンの立ち上げを支援した。" in narratives.content.decode()
    assert draft.status_code == 200
    assert "125" in draft.content.decode()


def posts_to_every_entry_screen(world) -> dict[str, tuple[str, dict]]:
    """{screen: (url, data)}: a POST that would change 2-1-1's draft or the council's narrative."""
    return {
        "bulk screen": (bulk_url(world), bulk_form([(world.salons, "999", "", 0)])),
        "publish screen": (publish_url(world), {"scope": "all"}),
        "import confirmation": (
            reverse("admin:indicators_indicatorvalue_import") + f"?plan={world.plan.pk}&fy={FY}",
            {"confirm": "1", "entries": "x"},
        ),
        "value change form": (
            reverse("admin:indicators_indicatorvalue_change", args=[world.salons_draft.pk]),
            {"indicator": world.salons.pk, "fiscal_year": FY, "value": "999", "note": ""},
        ),
        "narrative change form": (
            reverse("admin:initiatives_narrative_change", args=[world.council_narrative.pk]),
            narrative_form(world.council_measure, "書き換え"),
        ),
    }


@pytest.mark.parametrize(
    "screen",
    ["bulk screen", "publish screen", "import confirmation", "value change form", "narrative change form"],
)
def test_a_reader_changes_nothing(world, screen):
    url, data = posts_to_every_entry_screen(world)[screen]

    response = signed_in(world.viewer).post(url, data)

    assert response.status_code == 403
    assert values_of(world.salons)[FY] == (Decimal("125"), None)
    world.council_narrative.refresh_from_db()
    assert (world.council_narrative.text, world.council_narrative.published_text) == (
        "サロンの立ち上げを支援した。",
        "",
    )


def test_save_yearly_values_refuses_a_reader(world):
    with pytest.raises(PermissionDenied):
        entry.save_yearly_values(world.viewer, world.plan, FY, [entry.ValueEntry(world.salons.pk, 1, "", 0)])

    assert values_of(world.salons)[FY] == (Decimal("125"), None)


# --- 承認者 ---------------------------------------------------------------------------------------------


def test_the_publish_screen_lists_every_organisations_drafts(world):
    enter_city_values(world)

    response = signed_in(world.approver).get(publish_url(world))

    content = response.content.decode()
    assert response.status_code == 200
    assert "実績値の下書き（3件）" in content
    assert "取組内容の下書き（1件）" in content
    assert "1-1-1 民生委員・児童委員の定員充足率" in content
    assert "2-1-1 ふれあい・いきいきサロンの数" in content
    assert "サロンの立ち上げを支援した。" in content


def test_an_approver_publishes_every_draft_of_the_year_at_once(world):
    enter_city_values(world)

    response = signed_in(world.approver).post(publish_url(world), {"scope": "all"})

    assert response.status_code == 302
    assert messages_of(response) == [f"{FY_LABEL}の実績値3件、取組内容1件を公開しました。"]
    assert values_of(world.rate)[FY] == (Decimal("95.5"), Decimal("95.5"))
    assert values_of(world.consultations)[FY] == (Decimal("5300"), Decimal("5300"))
    assert values_of(world.salons)[FY] == (Decimal("125"), Decimal("125"))
    world.council_narrative.refresh_from_db()
    assert world.council_narrative.published_text == "サロンの立ち上げを支援した。"
    assert world.council_narrative.published_at is not None
    assert IndicatorValue.objects.get(indicator=world.rate, fiscal_year=FY).published_at is not None


def test_an_approver_publishes_one_indicator_and_leaves_the_other_drafts(world):
    enter_city_values(world)
    about_rate = make_narrative(
        world.city_measure,
        fiscal_year=FY,
        text="欠員地区で説明会を開いた。",
        indicator=world.rate,
        published=False,
    )

    response = signed_in(world.approver).post(
        publish_url(world), {"scope": "selected", "indicator": [world.rate.pk]}
    )

    assert messages_of(response) == [f"{FY_LABEL}の実績値1件、取組内容1件を公開しました。"]
    assert values_of(world.rate)[FY] == (Decimal("95.5"), Decimal("95.5"))
    assert values_of(world.consultations)[FY] == (Decimal("5300"), None)
    assert values_of(world.salons)[FY] == (Decimal("125"), None)
    about_rate.refresh_from_db()
    assert about_rate.published_text == "欠員地区で説明会を開いた。"
    world.council_narrative.refresh_from_db()
    assert world.council_narrative.published_text == ""


def test_publishing_the_chosen_indicators_with_none_chosen_publishes_nothing(world):
    response = signed_in(world.approver).post(publish_url(world), {"scope": "selected"})

    assert messages_of(response) == ["公開する成果指標を選んでください。"]
    assert values_of(world.salons)[FY] == (Decimal("125"), None)


def test_a_changed_published_value_is_a_draft_again_until_it_is_published(world):
    enter_city_values(world)
    signed_in(world.approver).post(publish_url(world), {"scope": "all"})

    signed_in(world.clerk).post(
        bulk_url(world),
        bulk_form([(world.rate, "96", "", 1), (world.consultations, "5300", "電話相談を含む", 1)]),
    )

    assert values_of(world.rate)[FY] == (Decimal("96"), Decimal("95.5"))
    page = Client().get(reverse("public:indicator", args=["entry-plan", "1-1-1"]) + "?fy=2022")
    assert "95.5％" in page.content.decode()
    assert "96％" not in page.content.decode()


# --- The public pages before and after publishing ----------------------------------------------------------


def public_rate_2022(surface: str) -> str | None:
    """What a citizen sees as 1-1-1's actual for 2022 on one public surface (None where it is absent)."""
    client = Client()
    if surface == "plan page":
        content = client.get(reverse("public:detail", args=["entry-plan"]) + "?fy=2022").content.decode()
        return "95.5％" if "95.5％" in content else ("92.4％" if "92.4％" in content else None)
    if surface == "indicator page":
        content = client.get(reverse("public:indicator", args=["entry-plan", "1-1-1"]) + "?fy=2022")
        content = content.content.decode()
        return "95.5％" if "95.5％" in content else ("92.4％" if "92.4％" in content else None)
    if surface in ("plan csv", "indicator csv"):
        url = (
            reverse("public:csv", args=["entry-plan"])
            if surface == "plan csv"
            else reverse("public:indicator_csv", args=["entry-plan", "1-1-1"])
        )
        text = client.get(url).content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        found = [
            r["value"]
            for r in rows
            if (r["code"], r["kind"], r["fiscal_year"]) == ("1-1-1", "actual", "2022")
        ]
        return found[0] if found else None
    if surface == "api":
        data = json.loads(client.get(reverse("public:api_plan", args=["entry-plan"]) + "?fy=2022").content)
        indicator = data["policies"][0]["measures"][0]["indicators"][0]
        assert indicator["code"] == "1-1-1"
        value = indicator["actuals"].get("2022")
        return None if value is None else str(value)
    raise AssertionError(surface)


@pytest.mark.parametrize(
    ("surface", "before", "after"),
    [
        ("plan page", "92.4％", "95.5％"),
        ("indicator page", "92.4％", "95.5％"),
        ("plan csv", None, "95.5"),
        ("indicator csv", None, "95.5"),
        ("api", None, "95.5"),
    ],
)
def test_the_public_data_shows_a_new_value_only_after_it_is_published(world, surface, before, after):
    enter_city_values(world)
    shown_as_draft = public_rate_2022(surface)

    signed_in(world.approver).post(publish_url(world), {"scope": "all"})

    assert shown_as_draft == before
    assert public_rate_2022(surface) == after


def test_a_published_value_reaches_citizens_at_once_when_public_pages_are_cached(world, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    enter_city_values(world)
    citizen = Client()
    url = reverse("public:indicator", args=["entry-plan", "1-1-1"]) + "?fy=2022"
    assert "92.4％" in citizen.get(url).content.decode()

    signed_in(world.approver).post(publish_url(world), {"scope": "all"})

    assert "95.5％" in citizen.get(url).content.decode()


def preview_page(client) -> str:
    url = reverse("public:indicator", args=["entry-plan", "1-1-1"]) + "?fy=2022&preview=1"
    return client.get(url).content.decode()


def test_a_clerk_previews_their_drafts_on_the_public_page(world):
    enter_city_values(world)

    content = preview_page(signed_in(world.clerk))

    assert "95.5％" in content
    assert "下書きを含むプレビューです。" in content


def test_a_reader_previews_every_organisations_drafts(world):
    enter_city_values(world)

    content = preview_page(signed_in(world.viewer))

    assert "95.5％" in content


def test_a_clerk_of_another_organisation_previews_only_published_values_of_the_citys_indicator(world):
    enter_city_values(world)

    content = preview_page(signed_in(world.council_clerk))

    assert "92.4％" in content
    assert "95.5" not in content


def test_an_anonymous_preview_shows_only_published_values(world):
    enter_city_values(world)

    content = preview_page(Client())

    assert "92.4％" in content
    assert "95.5" not in content
    assert "下書きを含むプレビューです。" not in content


def test_a_narrative_draft_is_shown_in_a_preview_and_hidden_from_citizens(world):
    url = reverse("public:policy", args=["entry-plan", 2]) + "?fy=2022"

    public = Client().get(url).content.decode()
    preview = signed_in(world.council_clerk).get(url + "&preview=1").content.decode()

    assert "サロンの立ち上げを支援した。" not in public
    assert "サロンの立ち上げを支援した。" in preview
    assert "下書き" in preview


# --- Lost updates ----------------------------------------------------------------------------------------


def test_save_yearly_values_refuses_a_save_from_a_stale_version_and_applies_nothing(world):
    entry.save_yearly_values(
        world.colleague, world.plan, FY, [entry.ValueEntry(world.rate.pk, Decimal("95.5"), "", 0)]
    )

    with pytest.raises(entry.EditConflict) as conflict:
        entry.save_yearly_values(
            world.clerk,
            world.plan,
            FY,
            [
                entry.ValueEntry(world.consultations.pk, Decimal("5300"), "", 0),
                entry.ValueEntry(world.rate.pk, Decimal("96"), "", 0),
            ],
        )

    (lines,) = conflict.value.args
    assert len(lines) == 1
    assert lines[0].startswith("1-1-1 民生委員・児童委員の定員充足率: ")
    assert lines[0].endswith("2022年度の値を （なし） → 95.5％ に変更しました。")
    assert values_of(world.rate)[FY] == (Decimal("95.5"), None)
    assert FY not in values_of(world.consultations)
    assert Indicator.objects.get(pk=world.consultations.pk).version == 0


def test_a_stale_save_names_the_colleague_who_saved_first(world):
    signed_in(world.colleague).post(
        bulk_url(world), bulk_form([(world.rate, "95.5", "", 0), (world.consultations, "", "", 0)])
    )

    with pytest.raises(entry.EditConflict) as conflict:
        entry.save_yearly_values(
            world.clerk, world.plan, FY, [entry.ValueEntry(world.rate.pk, Decimal("96"), "", 0)]
        )

    assert re.fullmatch(
        r"1-1-1 民生委員・児童委員の定員充足率: 佐藤さんが\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\dに"
        r"2022年度の値を （なし） → 95\.5％ に変更しました。",
        conflict.value.args[0][0],
    )


def test_the_bulk_screen_refuses_the_second_save_and_shows_the_colleagues_change(world):
    clerk = signed_in(world.clerk)
    form = clerk.get(bulk_url(world)).content.decode()
    versions = re.findall(r'name="form-\d-version" value="(\d+)"', form)
    assert versions == ["0", "0"]
    signed_in(world.colleague).post(
        bulk_url(world), bulk_form([(world.rate, "95.5", "", 0), (world.consultations, "", "", 0)])
    )

    response = clerk.post(
        bulk_url(world), bulk_form([(world.rate, "96", "", 0), (world.consultations, "5300", "", 0)])
    )

    (message,) = messages_of(response)
    assert message.startswith("保存しませんでした。1-1-1 民生委員・児童委員の定員充足率: 佐藤さんが")
    assert message.endswith(
        "2022年度の値を （なし） → 95.5％ に変更しました。 画面を読み込み直して確かめてください。"
    )
    assert values_of(world.rate)[FY] == (Decimal("95.5"), None)
    assert FY not in values_of(world.consultations)


def hidden_fields(response) -> dict[str, str]:
    """The hidden inputs of a form page, which a browser posts back unchanged."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.content.decode()))


def test_the_value_change_form_refuses_a_save_after_a_colleague_changed_the_value(world):
    value = IndicatorValue.objects.get(indicator=world.rate, fiscal_year=2021)
    url = reverse("admin:indicators_indicatorvalue_change", args=[value.pk])
    clerk, colleague = signed_in(world.clerk), signed_in(world.colleague)
    clerks_form = hidden_fields(clerk.get(url))  # 田中 opens the form while 92.4 is stored
    colleagues_form = hidden_fields(colleague.get(url))
    saved = colleague.post(
        url, colleagues_form | {"indicator": world.rate.pk, "fiscal_year": 2021, "value": "92.8", "note": ""}
    )
    assert saved.status_code == 302

    response = clerk.post(
        url, clerks_form | {"indicator": world.rate.pk, "fiscal_year": 2021, "value": "93", "note": ""}
    )

    assert response.status_code == 200
    assert "佐藤さんが" in response.content.decode()
    assert "2021年度の値を 92.4％ → 92.8％ に変更しました。" in response.content.decode()
    assert values_of(world.rate)[2021] == (Decimal("92.8"), Decimal("92.4"))


def make_superuser(django_user_model, username, last_name):
    return django_user_model.objects.create_superuser(username=username, last_name=last_name, password=None)


def indicator_form(world, expected_version, target="100"):
    """The IndicatorAdmin change form of 1-1-1 as posted, with its yearly values left alone."""
    return {
        "measure": world.city_measure.pk,
        "organisation": "",
        "code": "1-1-1",
        "position": 0,
        "name": "民生委員・児童委員の定員充足率",
        "unit": "％",
        "direction": "increase",
        "baseline_fy": 2018,
        "baseline_value": "90",
        "target_fy": 2024,
        "target_value": target,
        "tolerance": "0",
        "expected_version": expected_version,
        "values-TOTAL_FORMS": 0,
        "values-INITIAL_FORMS": 0,
    }


def opened_indicator_form(client, world) -> int:
    """Opens 1-1-1 in the admin and returns the version its form carries."""
    content = client.get(reverse("admin:indicators_indicator_change", args=[world.rate.pk])).content.decode()
    return int(re.search(r'name="expected_version" value="(\d+)"', content).group(1))


def test_the_indicator_form_refuses_a_save_after_a_colleague_entered_a_value(world, django_user_model):
    admin = signed_in(make_superuser(django_user_model, "admin-1", "井上"))
    version = opened_indicator_form(admin, world)
    enter_city_values(world)

    response = admin.post(
        reverse("admin:indicators_indicator_change", args=[world.rate.pk]),
        indicator_form(world, version, "98"),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "この成果指標は、画面を開いた後に他の職員が変更したため保存しませんでした。" in content
    assert "田中さんが" in content
    assert "2022年度の値を （なし） → 95.5％ に変更しました。" in content
    assert Indicator.objects.get(pk=world.rate.pk).target_value == Decimal("100")


def test_the_indicator_form_refuses_a_save_after_a_colleague_changed_the_target(world, django_user_model):
    first = signed_in(make_superuser(django_user_model, "admin-1", "井上"))
    second = signed_in(make_superuser(django_user_model, "admin-2", "木村"))
    version = opened_indicator_form(first, world)
    saved = second.post(
        reverse("admin:indicators_indicator_change", args=[world.rate.pk]),
        indicator_form(world, opened_indicator_form(second, world), "98"),
    )
    assert saved.status_code == 302

    response = first.post(
        reverse("admin:indicators_indicator_change", args=[world.rate.pk]),
        indicator_form(world, version, "105"),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "この成果指標は、画面を開いた後に他の職員が変更したため保存しませんでした。" in content
    assert "木村さんが" in content
    assert "100 → 98" in content
    assert Indicator.objects.get(pk=world.rate.pk).target_value == Decimal("98")


# --- History ---------------------------------------------------------------------------------------------


def recent_changes(indicator, count):
    return [(c.who, c.what, c.before, c.after) for c in entry.indicator_history(indicator)[:count]]


def test_a_value_entered_and_changed_is_recorded_with_who_and_old_and_new(world):
    enter_city_values(world)

    signed_in(world.clerk).post(
        bulk_url(world),
        bulk_form([(world.rate, "96.0", "", 1), (world.consultations, "5300", "電話相談を含む", 1)]),
    )

    assert recent_changes(world.rate, 2) == [
        ("田中", "2022年度の実績値", "95.5", "96"),
        ("田中", "2022年度の実績値", "（なし）", "95.5"),
    ]


def test_publishing_is_recorded_with_who_published(world):
    enter_city_values(world)

    signed_in(world.approver).post(publish_url(world), {"scope": "all"})

    assert recent_changes(world.rate, 1) == [("山本", "2022年度の実績値（公開）", "（なし）", "95.5")]


def test_a_target_change_is_recorded_with_who_and_old_and_new(world, django_user_model):
    admin = signed_in(make_superuser(django_user_model, "admin-1", "井上"))

    admin.post(
        reverse("admin:indicators_indicator_change", args=[world.rate.pk]),
        indicator_form(world, opened_indicator_form(admin, world), "98"),
    )

    assert recent_changes(world.rate, 1) == [("井上", "目標値", "100", "98")]


def test_a_narrative_change_is_recorded_with_who_and_old_and_new(world):
    narrative = make_narrative(
        world.city_measure, fiscal_year=2021, text="見守り活動を行った。", indicator=world.rate
    )

    signed_in(world.clerk).post(
        reverse("admin:initiatives_narrative_change", args=[narrative.pk]),
        narrative_form(
            world.city_measure, "見守り活動を全校区で行った。", indicator=world.rate, fiscal_year=2021
        ),
    )

    assert recent_changes(world.rate, 1) == [
        ("田中", "2021年度の主な取組", "見守り活動を行った。", "見守り活動を全校区で行った。")
    ]


def test_save_yearly_values_records_the_user_it_is_given_outside_a_request(world):
    entry.save_yearly_values(
        world.clerk, world.plan, FY, [entry.ValueEntry(world.rate.pk, Decimal("95.5"), "", 0)]
    )

    assert recent_changes(world.rate, 1) == [("田中", "2022年度の実績値", "（なし）", "95.5")]


def test_the_admin_changes_page_shows_who_changed_what_from_and_to(world, django_user_model):
    narrative = make_narrative(
        world.city_measure, fiscal_year=2021, text="見守り活動を行った。", indicator=world.rate
    )
    enter_city_values(world)
    clerk = signed_in(world.clerk)
    clerk.post(
        reverse("admin:initiatives_narrative_change", args=[narrative.pk]),
        narrative_form(
            world.city_measure, "見守り活動を全校区で行った。", indicator=world.rate, fiscal_year=2021
        ),
    )
    admin = signed_in(make_superuser(django_user_model, "admin-1", "井上"))
    admin.post(
        reverse("admin:indicators_indicator_change", args=[world.rate.pk]),
        indicator_form(world, opened_indicator_form(admin, world), "98"),
    )

    response = clerk.get(reverse("admin:indicators_indicatorvalue_changes", args=[world.rate.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<td>田中</td><td>2022年度の実績値</td><td>（なし）</td><td>95.5</td>" in content
    assert (
        "<td>田中</td><td>2021年度の主な取組</td><td>見守り活動を行った。</td><td>見守り活動を全校区で行った。</td>"
        in content
    )
    assert "<td>井上</td><td>目標値</td><td>100</td><td>98</td>" in content
    assert content.index("<td>井上</td><td>目標値</td>") < content.index(
        "<td>田中</td><td>2021年度の主な取組</td>"
    )


# --- 最終更新日 --------------------------------------------------------------------------------------


def test_the_indicator_page_shows_the_day_of_publishing_as_last_updated(world):
    enter_city_values(world)
    url = reverse("public:indicator", args=["entry-plan", "1-1-1"]) + "?fy=2022"
    before = Client().get(url).content.decode()

    # 20:00 on 31 May in UTC is 05:00 on 1 June in Kumamoto.
    with mock.patch.object(entry.timezone, "now", return_value=datetime(2023, 5, 31, 20, 0, tzinfo=UTC)):
        entry.publish(world.approver, world.plan, FY)

    after = Client().get(url).content.decode()
    assert "最終更新日" not in before
    assert '最終更新日: <time datetime="2023-06-01">2023年6月1日</time>' in after


def test_a_draft_changed_after_the_approver_reviewed_it_is_not_published(world):
    approver = world.approver
    reviewed = entry.drafts(approver, world.plan, FY)
    token = reviewed.review_token()
    IndicatorValue.objects.filter(indicator=world.salons, fiscal_year=FY).update(value=Decimal("130"))

    published = entry.publish(approver, world.plan, FY, review_token=token)

    # The salons' 130 was not what the approver saw (125): it stays a draft; the narrative is published.
    assert (published.values, published.narratives, published.changed_since_review) == (0, 1, 1)
    assert values_of(world.salons)[FY] == (Decimal("130"), None)


def test_a_tampered_review_token_publishes_nothing(world):
    with pytest.raises(ValidationError):
        entry.publish(world.approver, world.plan, FY, review_token="not-a-token")

    assert values_of(world.salons)[FY] == (Decimal("125"), None)
