"""Yearly entry by city staff: the roles, the bulk screen, drafts and publishing, lost updates and history.

The world is small and explicit. 熊本市 enters 1-1-1 (％) and 1-1-2 (件); 熊本市社会福祉協議会 enters 1-1-3 (人,
an indicator of the city's measure that names the council as its organisation) and 2-1-1 (箇所, of the
council's measure), and has already saved a draft of 2-1-1 for 2022 and a draft narrative for 2022. Every
indicator has a 2021 value, and 2021 is published (第1版); 2022 is the year being entered, not yet published.
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
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from initiatives import entry, history
from initiatives.models import Narrative
from plans.models import Measure, Organisation
from publications import publishing
from publications.models import Publication
from tests.factories import (
    empty_page_caches,
    make_indicator,
    make_narrative,
    make_plan,
    make_policy,
    make_staff,
    publish,
    shown,
)

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
    publish(plan, 2021)
    salons_draft = IndicatorValue.objects.create(
        indicator=salons, fiscal_year=FY, value=Decimal("125"), note="新規5箇所"
    )
    council_narrative = make_narrative(council_measure, fiscal_year=FY, text="サロンの立ち上げを支援した。")
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
    return reverse("admin:publications_publication_publish") + f"?plan={world.plan.pk}&fy={fy}"


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


def values_of(indicator) -> dict[int, Decimal]:
    """{fiscal year: value} as stored in the working data (the drafts)."""
    return {
        v.fiscal_year: v.value
        for v in IndicatorValue.objects.filter(indicator=indicator).order_by("fiscal_year")
    }


def published_actual(world, code: str, fy: int = FY) -> Decimal | None:
    """What citizens see as an indicator's actual for fy (None: the year or the value is not published)."""
    if not Publication.objects.filter(plan=world.plan, fiscal_year=fy).exists():
        return None
    return shown(world.plan, fy).find(code).actuals.get(fy)


def publications_of(world, fy: int = FY) -> list[tuple[int, str]]:
    """(number, note) of every publication of the world's plan for fy."""
    found = Publication.objects.filter(plan=world.plan, fiscal_year=fy).order_by("number")
    return list(found.values_list("number", "note"))


def table_row(content: str, code: str) -> str:
    """The <tr> of the bulk screen for one indicator code."""
    match = re.search(rf"<tr>\s*<td>{re.escape(code)}<input.*?</tr>", content, re.S)
    assert match, f"no row for {code}"
    return match.group(0)


def enter_city_values(world, rate="95.5", consultations="5300", version=0):
    """田中 saves 2022's values of the city's two indicators through the bulk screen (drafts)."""
    response = signed_in(world.clerk).post(
        bulk_url(world),
        bulk_form(
            [
                (world.rate, rate, "", version),
                (world.consultations, consultations, "電話相談を含む", version),
            ]
        ),
    )
    assert response.status_code == 302, messages_of(response)


def digest_on(response) -> str:
    """The digest of what the publish screen showed, which its form posts back."""
    return re.search(r'name="digest" value="([0-9a-f]{64})"', response.content.decode()).group(1)


def approve(world, fy=FY, reason="", client=None):
    """山本 opens the publish screen, ticks 「確認しました」 and publishes what it showed."""
    client = client or signed_in(world.approver)
    screen = client.get(publish_url(world, fy))
    assert screen.status_code == 200
    return client.post(
        publish_url(world, fy), {"digest": digest_on(screen), "reason": reason, "confirm": "on"}
    )


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
    "publications.view_publication",
    "publications.view_artifactbuild",
    "indicators.view_yearlytarget",
    "plans.view_reviewmark",
    "initiatives.view_measurereview",
}
ENTER_PERMISSIONS = {
    "indicators.add_indicatorvalue",
    "indicators.change_indicatorvalue",
    "initiatives.add_narrative",
    "initiatives.change_narrative",
    "initiatives.add_measurereview",
    "initiatives.change_measurereview",
}


def test_the_entry_clerk_role_enters_values_and_narratives_but_neither_publishes_nor_sees_all(db):
    assert codenames("入力担当") == VIEW_PERMISSIONS | ENTER_PERMISSIONS


def test_the_approver_role_also_publishes_deletes_and_sees_every_organisation(db):
    assert codenames("承認者") == VIEW_PERMISSIONS | ENTER_PERMISSIONS | {
        "indicators.delete_indicatorvalue",
        "initiatives.delete_narrative",
        "initiatives.delete_measurereview",
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
        (
            "100.1",
            "％",
            "割合（％）は100以下で入力してください。100％を超えうる指標なら、成果指標の「100％を超えることがある」を選んでください。",
        ),
        ("12.34567", "人", "小数点以下は4桁までにしてください（12.34567）。"),
        ("12345678901", "人", "整数部分は10桁までにしてください（12345678901）。"),
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


def test_the_bulk_screen_of_the_council_shows_its_unpublished_draft_in_the_input_as_entered_not_public(world):
    response = signed_in(world.council_clerk).get(bulk_url(world))

    content = response.content.decode()
    salons_row = table_row(content, "2-1-1")
    assert "<td>120箇所</td>" in salons_row
    assert 'value="125"' in salons_row
    # 2022 is not published: the 125 is a draft, and the state column must not tell the clerk otherwise.
    assert "<td>入力済み</td>" in salons_row
    assert "公開済み" not in salons_row
    assert "公表済み" not in salons_row
    assert "民生委員・児童委員の定員充足率" not in content


def test_saving_the_bulk_screen_full_width_stores_drafts_that_citizens_do_not_see(world):
    response = signed_in(world.clerk).post(
        bulk_url(world),
        bulk_form([(world.rate, "９５．５％", "", 0), (world.consultations, "5,300", "電話相談を含む", 0)]),
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        f"{FY_LABEL}の実績値を2件保存しました（下書き）。承認者が公表すると市民に表示されます。"
    ]
    assert values_of(world.rate)[FY] == Decimal("95.5")
    assert values_of(world.consultations)[FY] == Decimal("5300")
    assert IndicatorValue.objects.get(indicator=world.consultations, fiscal_year=FY).note == "電話相談を含む"
    assert publications_of(world) == []
    year_page = Client().get(reverse("public:indicator", args=["entry-plan", "1-1-1"]) + "?fy=2022")
    assert year_page.status_code == 404
    assert "95.5" not in year_page.content.decode()
    latest_page = Client().get(reverse("public:indicator", args=["entry-plan", "1-1-1"])).content.decode()
    assert "92.4％" in latest_page
    assert "95.5" not in latest_page


@pytest.mark.parametrize(
    ("rate", "consultations", "code", "message"),
    [
        ("abc", "5300", "1-1-1", "「abc」は数値ではありません。数値だけを入力してください。"),
        (
            "101",
            "5300",
            "1-1-1",
            "割合（％）は100以下で入力してください。100％を超えうる指標なら、成果指標の「100％を超えることがある」を選んでください。",
        ),
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
    assert values_of(world.salons)[FY] == Decimal("125")
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
    assert values_of(world.salons)[FY] == Decimal("125")
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
    assert values_of(world.salons)[FY] == Decimal("125")


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
    assert values_of(world.salons)[FY] == Decimal("125")


def test_the_value_list_shows_a_clerk_only_their_own_organisations_values(world):
    enter_city_values(world)

    response = signed_in(world.clerk).get(reverse("admin:indicators_indicatorvalue_changelist"))

    content = response.content.decode()
    assert "1-1-1" in content and "民生委員・児童委員の定員充足率" in content
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


@pytest.mark.parametrize("role", ["approver", "viewer"])
@pytest.mark.parametrize(
    "url_name",
    ["admin:indicators_indicatorvalue_simple_history", "admin:initiatives_narrative_simple_history"],
)
def test_a_past_version_cannot_be_restored_through_the_history_form(world, url_name, role):
    draft = world.salons_draft if "indicatorvalue" in url_name else world.council_narrative
    first = draft.history.earliest()
    IndicatorValue.objects.filter(pk=world.salons_draft.pk).update(value=Decimal("130"))
    Narrative.objects.filter(pk=world.council_narrative.pk).update(text="サロンを3箇所立ち上げた。")
    posted = {"indicator": world.salons.pk, "fiscal_year": FY, "value": "125", "note": "新規5箇所"}
    if "narrative" in url_name:
        posted = narrative_form(world.council_measure, "サロンの立ち上げを支援した。")

    response = signed_in(getattr(world, role)).post(
        reverse(url_name, args=[draft.pk, first.history_id]), posted
    )

    assert response.status_code == 403
    assert values_of(world.salons)[FY] == Decimal("130")
    assert Narrative.objects.get(pk=world.council_narrative.pk).text == "サロンを3箇所立ち上げた。"


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
    assert values_of(world.salons)[FY] == Decimal("125")


def test_a_crafted_post_moving_an_own_value_to_another_organisations_indicator_changes_nothing(world):
    own = IndicatorValue.objects.get(indicator=world.rate, fiscal_year=2021)

    response = signed_in(world.clerk).post(
        reverse("admin:indicators_indicatorvalue_change", args=[own.pk]),
        {"indicator": world.salons.pk, "fiscal_year": 2021, "value": "999", "note": ""},
    )

    assert response.status_code == 200
    own.refresh_from_db()
    assert (own.indicator_id, own.value) == (world.rate.pk, Decimal("92.4"))


def test_a_values_indicator_and_year_cannot_be_changed_once_it_exists(world):
    own = IndicatorValue.objects.get(indicator=world.rate, fiscal_year=2021)
    url = reverse("admin:indicators_indicatorvalue_change", args=[own.pk])
    client = signed_in(world.clerk)
    version = int(re.search(r'name="expected_version" value="(\d+)"', client.get(url).content.decode())[1])

    response = client.post(
        url,
        {
            "indicator": world.consultations.pk,
            "fiscal_year": 2023,
            "value": "92.8",
            "note": "",
            "expected_version": version,
        },
    )

    assert response.status_code == 302
    own.refresh_from_db()
    # The value changed; what it is a value of did not (a moved row would be a change no reviewer sees).
    assert (own.indicator_id, own.fiscal_year, own.value) == (world.rate.pk, 2021, Decimal("92.8"))
    assert 2023 not in values_of(world.consultations)


def narrative_form(measure, text, indicator=None, fiscal_year=FY, section="initiatives", position=1):
    return {
        "measure": measure.pk,
        "indicator": indicator.pk if indicator else "",
        "fiscal_year": fiscal_year,
        "section": section,
        "position": position,
        "text": text,
    }


def test_a_narratives_measure_indicator_year_and_section_cannot_be_changed_once_it_exists(world):
    narrative = make_narrative(
        world.city_measure, fiscal_year=2021, text="見守り活動を行った。", indicator=world.rate
    )

    response = signed_in(world.clerk).post(
        reverse("admin:initiatives_narrative_change", args=[narrative.pk]),
        narrative_form(
            world.city_measure,
            "見守り活動を全校区で行った。",
            indicator=world.consultations,
            fiscal_year=2023,
            section="issues",
        ),
    )

    assert response.status_code == 302
    narrative.refresh_from_db()
    assert (
        narrative.measure_id,
        narrative.indicator_id,
        narrative.fiscal_year,
        narrative.section,
        narrative.text,
    ) == (world.city_measure.pk, world.rate.pk, 2021, "initiatives", "見守り活動を全校区で行った。")


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
    data = {"digest": "0" * 64, "confirm": "on"} if method == "post" else {}

    response = getattr(signed_in(world.clerk), method)(publish_url(world), data)

    assert response.status_code == 403
    assert publications_of(world) == []


def test_publish_refuses_a_clerk(world):
    with pytest.raises(PermissionDenied):
        publishing.publish(world.clerk, world.plan, FY)

    assert publications_of(world) == []


# --- 閲覧 -----------------------------------------------------------------------------------------------


def test_a_reader_reads_every_organisations_drafts_in_the_admin(world):
    enter_city_values(world)
    client = signed_in(world.viewer)

    values = client.get(reverse("admin:indicators_indicatorvalue_changelist") + f"?fiscal_year={FY}")
    narratives = client.get(reverse("admin:initiatives_narrative_changelist"))
    draft = client.get(reverse("admin:indicators_indicatorvalue_change", args=[world.salons_draft.pk]))

    assert values.status_code == 200
    assert "民生委員・児童委員の定員充足率" in values.content.decode()
    assert "ふれあい・いきいきサロンの数" in values.content.decode()
    assert "新規5箇所" in values.content.decode()
    assert "サロンの立ち上げを支援した。" in narratives.content.decode()
    assert draft.status_code == 200
    assert "125" in draft.content.decode()


def posts_to_every_entry_screen(world) -> dict[str, tuple[str, dict]]:
    """{screen: (url, data)}: a POST that would change 2-1-1's draft or the council's narrative, or publish."""
    return {
        "bulk screen": (bulk_url(world), bulk_form([(world.salons, "999", "", 0)])),
        "publish screen": (publish_url(world), {"digest": "0" * 64, "confirm": "on"}),
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
    assert values_of(world.salons)[FY] == Decimal("125")
    world.council_narrative.refresh_from_db()
    assert world.council_narrative.text == "サロンの立ち上げを支援した。"
    assert publications_of(world) == []


def test_a_reader_cannot_open_the_publish_screen(world):
    response = signed_in(world.viewer).get(publish_url(world))

    assert response.status_code == 403


def test_save_yearly_values_refuses_a_reader(world):
    with pytest.raises(PermissionDenied):
        entry.save_yearly_values(world.viewer, world.plan, FY, [entry.ValueEntry(world.salons.pk, 1, "", 0)])

    assert values_of(world.salons)[FY] == Decimal("125")


def test_publish_refuses_a_reader(world):
    with pytest.raises(PermissionDenied):
        publishing.publish(world.viewer, world.plan, FY)

    assert publications_of(world) == []


# --- 承認者: the publish screen ------------------------------------------------------------------------


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def first_table_rows(content: str) -> list[str]:
    """The text of each row of the page's first table body."""
    body = re.search(r"<tbody>(.*?)</tbody>", content, re.S).group(1)
    return [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_the_first_publish_screen_of_a_year_shows_every_organisations_values_and_grades(world):
    enter_city_values(world)

    response = signed_in(world.approver).get(publish_url(world))

    content = response.content.decode()
    assert response.status_code == 200
    assert f"{FY_LABEL}はまだ公表していません。公表すると第1版（初回公表）になります。" in content
    # 1-1-1: 進捗率 (95.5-90)/(100-90) = 55% is short of the (2022-2018)/(2024-2018) = 66.7% the years have
    # used, so △ 遅れ; 達成率 95.5/100. The others have no target. 1-1-3 has no 2022 value: 2021's is shown.
    assert first_table_rows(content) == [
        "1-1-1 民生委員・児童委員の定員充足率 95.5％ 95.5％ △ 遅れ",
        "1-1-2 福祉の相談件数 5,300件 － － 評価対象外",
        "1-1-3 ボランティア登録者数 310人（令和3年度） － － 評価対象外",
        "2-1-1 ふれあい・いきいきサロンの数 125箇所 － － 評価対象外",
    ]
    assert 'value="公表する"' in content


def test_the_first_publish_screen_of_a_year_shows_the_narratives_it_will_publish(world):
    response = signed_in(world.approver).get(publish_url(world))

    content = response.content.decode()
    # The 承認者 confirms everything the year's first publication makes public, the council's narrative too,
    # and the screen does not say that publishing changes nothing.
    assert "サロンの立ち上げを支援した。" in content
    assert "公表すると変わる内容（変更なし）" not in content


def test_an_approver_publishes_every_organisations_drafts_of_the_year_at_once(world):
    enter_city_values(world)

    response = approve(world)

    (publication,) = Publication.objects.filter(plan=world.plan, fiscal_year=FY)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:publications_publication_change", args=[publication.pk])
    assert messages_of(response) == [
        f"{FY_LABEL}を公表しました（第1版）。グラフ・Excel などのファイルを作成しています。"
    ]
    assert (publication.number, publication.note, publication.publisher, publication.published_by) == (
        1,
        "初回公表",
        "山本",
        world.approver,
    )
    progress = shown(world.plan, FY)
    assert {row.indicator.code: row.actuals.get(FY) for row in progress.indicators} == {
        "1-1-1": Decimal("95.5"),
        "1-1-2": Decimal("5300"),
        "1-1-3": None,
        "2-1-1": Decimal("125"),
    }
    (council_measure,) = progress.policies[1].measures
    assert [n.text for n in council_measure.narratives] == ["サロンの立ち上げを支援した。"]


def test_the_publish_screen_publishes_nothing_without_the_confirmation(world):
    enter_city_values(world)
    client = signed_in(world.approver)
    digest = digest_on(client.get(publish_url(world)))

    response = client.post(publish_url(world), {"digest": digest, "reason": ""})

    assert response.status_code == 200
    assert messages_of(response) == [
        "変更点を確認したら「確認しました」にチェックを入れてください。何も公表していません。"
    ]
    assert publications_of(world) == []


def test_the_publish_screen_refuses_when_a_draft_changed_after_the_approver_reviewed_it(world):
    enter_city_values(world)
    client = signed_in(world.approver)
    digest = digest_on(client.get(publish_url(world)))
    # 中村 raises the salons' draft while 山本 is reading the screen that showed 125.
    signed_in(world.council_clerk).post(
        bulk_url(world), bulk_form([(world.volunteers, "", "", 0), (world.salons, "130", "新規5箇所", 0)])
    )

    response = client.post(publish_url(world), {"digest": digest, "reason": "", "confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == publish_url(world)
    assert messages_of(response) == [
        "確認した後に内容が変更されました。変更点を確かめてから、もう一度公表してください。"
    ]
    assert publications_of(world) == []


def test_a_digest_that_is_not_the_reviewed_one_publishes_nothing(world):
    with pytest.raises(ValidationError) as error:
        publishing.publish(world.approver, world.plan, FY, seen_digest="not-a-digest")

    assert error.value.messages == [
        "確認した後に内容が変更されました。変更点を確かめてから、もう一度公表してください。"
    ]
    assert publications_of(world) == []


def test_the_publish_screen_of_a_published_year_shows_old_and_new_and_the_grade_before_and_after(world):
    enter_city_values(world)
    approve(world)
    enter_city_values(world, rate="96", version=1)

    response = signed_in(world.approver).get(publish_url(world))

    content = response.content.decode()
    assert "公表済みです（第1版）。もう一度公表すると<strong>訂正</strong>になり" in content
    assert (
        "<tr><td>1-1-1 民生委員・児童委員の定員充足率</td><td>2022年度の実績値</td>"
        "<td>95.5％</td><td>96％</td></tr>"
    ) in content
    # Baseline 90 (2018), target 100 (2024): 進捗率 55% then 60%, both short of the 66.7% the years have
    # used, so △ 遅れ either way; the 達成率 goes from 95.5/100 to 96/100.
    assert (
        "<tr><td>1-1-1 民生委員・児童委員の定員充足率</td><td>評価</td>"
        "<td>△ 遅れ（達成率 95.5％）</td><td>△ 遅れ（達成率 96.0％）</td></tr>"
    ) in content
    assert 'name="reason"' in content
    assert 'value="訂正を公表する"' in content


def test_the_publish_screen_of_a_published_year_shows_a_changed_narrative_old_and_new(world):
    approve(world)
    url = reverse("admin:initiatives_narrative_change", args=[world.council_narrative.pk])
    signed_in(world.council_clerk).post(
        url, narrative_form(world.council_measure, "サロンを3箇所立ち上げ、運営を支援した。")
    )

    content = signed_in(world.approver).get(publish_url(world)).content.decode()

    assert first_table_rows(content) == [
        "取組2-1 サロン活動の支援 主な取組（2022年度） サロンの立ち上げを支援した。 サロンを3箇所立ち上げ、運営を支援した。"
    ]


def test_republishing_an_unchanged_year_is_refused(world):
    enter_city_values(world)
    approve(world)
    client = signed_in(world.approver)
    screen = client.get(publish_url(world)).content.decode()

    with pytest.raises(ValidationError) as error:
        publishing.publish(world.approver, world.plan, FY, reason="念のため")

    assert "公表中の内容から変更がないため、公表する必要はありません。" in screen
    assert error.value.messages == [f"{FY_LABEL}の公表内容から変更がありません。"]
    assert publications_of(world) == [(1, "初回公表")]


def test_a_correction_without_a_reason_is_refused_and_with_one_becomes_the_next_number(world):
    enter_city_values(world)
    approve(world)
    enter_city_values(world, rate="96", version=1)

    without = approve(world, reason="  ")
    published_after_refusal = publications_of(world)
    with_reason = approve(world, reason="令和4年度の実績値の誤りを訂正")

    assert messages_of(without) == [
        f"{FY_LABEL}はすでに公表しています。訂正の理由を入力してください（例: 令和2年度の実績値の誤りを訂正）。"
    ]
    assert published_after_refusal == [(1, "初回公表")]
    second = Publication.objects.get(plan=world.plan, fiscal_year=FY, number=2)
    assert with_reason["Location"] == reverse("admin:publications_publication_change", args=[second.pk])
    assert publications_of(world) == [(1, "初回公表"), (2, "令和4年度の実績値の誤りを訂正")]
    assert published_actual(world, "1-1-1") == Decimal("96")


def test_the_message_after_a_correction_says_in_plain_japanese_that_the_correction_was_published(world):
    enter_city_values(world)
    approve(world)
    enter_city_values(world, rate="96", version=1)

    response = approve(world, reason="令和4年度の実績値の誤りを訂正")

    assert messages_of(response) == [
        f"{FY_LABEL}の訂正を公表しました（第2版）。グラフ・Excel などのファイルを作成しています。"
    ]


def test_a_changed_published_value_is_a_draft_again_until_it_is_published(world):
    enter_city_values(world)
    approve(world)

    enter_city_values(world, rate="96", version=1)

    assert values_of(world.rate)[FY] == Decimal("96")
    assert published_actual(world, "1-1-1") == Decimal("95.5")
    page = Client().get(reverse("public:indicator", args=["entry-plan", "1-1-1"]) + "?fy=2022")
    assert "95.5％" in page.content.decode()
    assert "96％" not in page.content.decode()


# --- The public pages before and after publishing ----------------------------------------------------------


def public_rate_2022(surface: str) -> tuple[int, str | None]:
    """(status, what a citizen sees as 1-1-1's actual for 2022) on one public surface."""
    client = Client()
    if surface in ("plan page", "indicator page"):
        url = (
            reverse("public:detail", args=["entry-plan"])
            if surface == "plan page"
            else reverse("public:indicator", args=["entry-plan", "1-1-1"])
        )
        response = client.get(url + "?fy=2022")
        content = response.content.decode()
        return response.status_code, next((v for v in ("95.5％", "92.4％") if v in content), None)
    if surface in ("plan csv", "indicator csv"):
        url = (
            reverse("public:csv", args=["entry-plan"])
            if surface == "plan csv"
            else reverse("public:indicator_csv", args=["entry-plan", "1-1-1"])
        )
        response = client.get(url + "?fy=2022")
        if response.status_code != 200:
            return response.status_code, None
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        found = [
            r["value"]
            for r in rows
            if (r["code"], r["kind"], r["fiscal_year"]) == ("1-1-1", "actual", "2022")
        ]
        return response.status_code, found[0] if found else None
    if surface == "api":
        response = client.get(reverse("public:api_plan", args=["entry-plan"]) + "?fy=2022")
        if response.status_code != 200:
            return response.status_code, None
        indicator = json.loads(response.content)["policies"][0]["measures"][0]["indicators"][0]
        assert indicator["code"] == "1-1-1"
        value = indicator["actuals"].get("2022")
        return response.status_code, None if value is None else str(value)
    raise AssertionError(surface)


@pytest.mark.parametrize(
    ("surface", "after"),
    [
        ("plan page", "95.5％"),
        ("indicator page", "95.5％"),
        ("plan csv", "95.5"),
        ("indicator csv", "95.5"),
        ("api", "95.5"),
    ],
)
def test_the_public_data_shows_a_new_year_only_after_it_is_published(
    world, surface, after, django_capture_on_commit_callbacks
):
    enter_city_values(world)
    shown_as_draft = public_rate_2022(surface)

    with django_capture_on_commit_callbacks(execute=True):  # the plan CSV is a file built on publishing
        approve(world)

    assert shown_as_draft == (404, None)
    assert public_rate_2022(surface) == (200, after)


def test_a_published_value_reaches_citizens_at_once_when_public_pages_are_cached(world, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    empty_page_caches()
    citizen = Client()
    latest = reverse("public:indicator", args=["entry-plan", "1-1-1"])
    year = latest + "?fy=2022"
    assert "92.4％" in citizen.get(latest).content.decode()
    enter_city_values(world)
    approve(world)
    assert "95.5％" in citizen.get(latest).content.decode()
    assert "95.5％" in citizen.get(year).content.decode()  # now cached
    enter_city_values(world, rate="96", version=1)

    approve(world, reason="令和4年度の実績値の誤りを訂正")

    assert "96％" in citizen.get(year).content.decode()
    assert "96％" in citizen.get(latest).content.decode()


def preview_page(client) -> str:
    url = reverse("public:indicator", args=["entry-plan", "1-1-1"]) + "?fy=2022&preview=1"
    return client.get(url).content.decode()


def test_a_clerk_previews_their_drafts_on_the_public_page(world):
    enter_city_values(world)

    content = preview_page(signed_in(world.clerk))

    assert "95.5％" in content
    assert "下書きを含むプレビューです。" in content
    assert '<span class="draft-badge">下書き</span>' in content


def test_a_reader_previews_every_organisations_drafts(world):
    enter_city_values(world)

    content = preview_page(signed_in(world.viewer))

    assert "95.5％" in content


def test_a_clerk_of_another_organisation_previews_only_published_values_of_the_citys_indicator(world):
    enter_city_values(world)
    approve(world)
    enter_city_values(world, rate="97.3", version=1)

    content = preview_page(signed_in(world.council_clerk))

    assert "下書きを含むプレビューです。" in content
    assert "95.5％" in content
    assert "97.3" not in content
    assert "97.3％" in preview_page(signed_in(world.clerk))


def test_a_clerk_of_another_organisation_previews_nothing_of_the_citys_unpublished_year(world):
    enter_city_values(world)

    content = preview_page(signed_in(world.council_clerk))

    assert "95.5" not in content
    assert "95.5％" in preview_page(signed_in(world.clerk))


def test_an_anonymous_preview_shows_only_published_values(world):
    enter_city_values(world)
    approve(world)
    enter_city_values(world, rate="97.3", version=1)

    content = preview_page(Client())

    assert "95.5％" in content
    assert "97.3" not in content
    assert "下書きを含むプレビューです。" not in content
    assert "97.3％" in preview_page(signed_in(world.clerk))


def test_a_narrative_draft_is_shown_in_a_preview_and_hidden_from_citizens(world):
    approve(world)
    make_narrative(world.council_measure, fiscal_year=FY, position=2, text="担い手の研修を開いた。")
    url = reverse("public:policy", args=["entry-plan", 2]) + "?fy=2022"

    public = Client().get(url).content.decode()
    preview = signed_in(world.council_clerk).get(url + "&preview=1").content.decode()

    assert "サロンの立ち上げを支援した。" in public
    assert "担い手の研修を開いた。" not in public
    assert '<span class="draft-badge">下書き</span> 担い手の研修を開いた。' in preview
    assert '<span class="draft-badge">下書き</span> サロンの立ち上げを支援した。' not in preview


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
    assert values_of(world.rate)[FY] == Decimal("95.5")
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
    assert values_of(world.rate)[FY] == Decimal("95.5")
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
    assert values_of(world.rate)[2021] == Decimal("92.8")
    assert published_actual(world, "1-1-1", 2021) == Decimal("92.4")  # a draft until 2021 is corrected


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
        "yearly_targets-TOTAL_FORMS": 0,
        "yearly_targets-INITIAL_FORMS": 0,
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
    return [(c.who, c.what, c.before, c.after) for c in history.indicator_history(indicator)[:count]]


def test_a_value_entered_and_changed_is_recorded_with_who_and_old_and_new(world):
    enter_city_values(world)

    enter_city_values(world, rate="96.0", version=1)

    assert recent_changes(world.rate, 2) == [
        ("田中", "2022年度の実績値", "95.5", "96"),
        ("田中", "2022年度の実績値", "（なし）", "95.5"),
    ]


def test_publishing_is_recorded_on_the_publication_and_changes_nothing_in_the_change_history(world):
    enter_city_values(world)
    before = recent_changes(world.rate, 10)

    approve(world)

    publication = Publication.objects.get(plan=world.plan, fiscal_year=FY)
    assert (publication.publisher, publication.published_by, publication.note) == (
        "山本",
        world.approver,
        "初回公表",
    )
    assert recent_changes(world.rate, 10) == before


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


def test_a_value_history_link_leads_to_the_indicators_changes_page(world):
    value = IndicatorValue.objects.get(indicator=world.rate, fiscal_year=2021)

    response = signed_in(world.clerk).get(reverse("admin:indicators_indicatorvalue_history", args=[value.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:indicators_indicatorvalue_changes", args=[world.rate.pk])


# --- 公表日 ------------------------------------------------------------------------------------------------


def test_the_indicator_page_shows_the_day_of_publishing(world):
    enter_city_values(world)
    url = reverse("public:indicator", args=["entry-plan", "1-1-1"]) + "?fy=2022"
    before = Client().get(url)

    # 20:00 on 31 May in UTC is 05:00 on 1 June in Kumamoto.
    with mock.patch.object(publishing.timezone, "now", return_value=datetime(2023, 5, 31, 20, 0, tzinfo=UTC)):
        publishing.publish(world.approver, world.plan, FY)

    after = Client().get(url).content.decode()
    assert before.status_code == 404
    assert '公表日: <time datetime="2023-06-01">2023年6月1日</time>' in after


def test_a_note_with_a_hidden_control_character_is_refused_on_the_bulk_entry_screen():
    from initiatives.forms import ValueEntryForm

    form = ValueEntryForm({"indicator_id": 1, "version": 0, "value": "5", "note": "速報\x07値"}, unit="人")

    assert not form.is_valid()
    assert form.errors["note"] == ["表示されない制御文字は使えません（改行は使えます）。"]


def test_the_bulk_screen_saves_the_grade_note_beside_the_value(world):
    data = bulk_form([(world.rate, "95.5", "", 0), (world.consultations, "5300", "", 0)])
    data["form-0-grade_note"] = "研修会を中止したため。"

    response = signed_in(world.clerk).post(bulk_url(world), data)

    assert response.status_code == 302, messages_of(response)
    assert (
        IndicatorValue.objects.get(indicator=world.rate, fiscal_year=FY).grade_note
        == "研修会を中止したため。"
    )
    assert 'value="研修会を中止したため。"' in signed_in(world.clerk).get(bulk_url(world)).content.decode()


def test_a_grade_note_with_a_line_break_is_refused_on_the_bulk_screen_and_nothing_is_saved(world):
    data = bulk_form([(world.rate, "95.5", "", 0), (world.consultations, "5300", "", 0)])
    data["form-0-grade_note"] = "一行目\n二行目"

    response = signed_in(world.clerk).post(bulk_url(world), data)

    assert "タブ・改行・表示されない制御文字は使えません" in response.content.decode()
    assert FY not in values_of(world.rate)


def test_saving_without_a_grade_note_as_the_excel_upload_does_keeps_the_one_written(world):
    enter_city_values(world)
    value = IndicatorValue.objects.get(indicator=world.rate, fiscal_year=FY)
    value.grade_note = "研修会を中止したため。"
    value.save()

    entry.save_yearly_values(
        world.clerk,
        world.plan,
        FY,
        [entry.ValueEntry(world.rate.pk, Decimal("96"), "", Indicator.objects.get(pk=world.rate.pk).version)],
    )

    value.refresh_from_db()
    assert (value.value, value.grade_note) == (Decimal("96"), "研修会を中止したため。")
