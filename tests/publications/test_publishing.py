"""Publishing (公表): the publication as a record that never changes, corrections, what citizens see of them,
the publish screen, the commands that publish, and the files built for each publication.

The world: one plan (pub-plan, 2020–2024) with one measure of 熊本市 and two indicators. 1-1-1 (％) has baseline
90 (2018), target 100 (2024) and a 2020 actual of 92; 1-1-2 (件) has a 2020 actual of 5233 and no target.
Nothing is published until a test publishes it.

Grades worked out by hand for 1-1-1 at 2020 (進捗ペース, the default rule): the years used are
(2020-2018)/(2024-2018) = 33.3% of the way; 92 covers (92-90)/(100-90) = 20% → △ 遅れ, 達成率 92.0%.
With 94 it covers 40% → ○ 順調, 達成率 94.0%. With the target lowered to 95, 92 covers 2/5 = 40% → ○ 順調.
"""

import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from plans.models import GradeBand, Measure, Organisation
from publications import artifacts, publishing
from publications.models import IMMUTABLE_MESSAGE, ArtifactBuild, ImmutableRecord, Publication
from tests.factories import empty_page_caches, make_indicator, make_plan, make_policy, make_staff

SLUG = "pub-plan"
R2 = "令和2年度（2020年度）"
REASON = "令和2年度の実績値の誤りを訂正"
ATOM = "{http://www.w3.org/2005/Atom}"
KUMAMOTO_PLAN_FILE = Path(django_settings.BASE_DIR) / "fixtures" / "kumamoto_4th_plan.yaml"
# 10:00 on 30 June 2021 and 15:00 on 1 September 2021 in Kumamoto.
FIRST_PUBLISHED = datetime(2021, 6, 30, 1, 0, tzinfo=UTC)
CORRECTED = datetime(2021, 9, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def world(db, django_user_model):
    city = Organisation.objects.create(name="熊本市")
    plan = make_plan(slug=SLUG, title="公表テスト計画", start_fy=2020, end_fy=2024)
    measure = Measure.objects.create(
        policy=make_policy(plan, number=1, title="地域で支え合う"),
        number=1,
        title="見守りの充実",
        organisation=city,
    )
    rate = make_indicator(
        measure,
        code="1-1-1",
        name="民生委員・児童委員の定員充足率",
        unit="％",
        baseline=(2018, "90"),
        target=(2024, "100"),
        actuals={2020: "92"},
    )
    consultations = make_indicator(
        measure, code="1-1-2", name="福祉の相談件数", unit="件", actuals={2020: "5233"}
    )
    return SimpleNamespace(
        plan=plan,
        measure=measure,
        rate=rate,
        consultations=consultations,
        clerk=make_staff(django_user_model, "city-clerk", "田中", "入力担当", city),
        approver=make_staff(django_user_model, "approver", "山本", "承認者", city),
        viewer=make_staff(django_user_model, "viewer", "小林", "閲覧"),
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def publish_at(when, world, reason="", user=None) -> Publication:
    """Publish 2020 of the world's plan as a 承認者 would, at the given moment."""
    with mock.patch.object(publishing.timezone, "now", return_value=when):
        return publishing.publish(user or world.approver, world.plan, 2020, reason=reason)


def correct_2020(world, value="94"):
    """The 2020 actual of 1-1-1 is found to be wrong and entered again (a draft)."""
    IndicatorValue.objects.filter(indicator=world.rate, fiscal_year=2020).update(value=Decimal(value))


def first_and_correction(world) -> tuple[Publication, Publication]:
    first = publish_at(FIRST_PUBLISHED, world)
    correct_2020(world)
    return first, publish_at(CORRECTED, world, reason=REASON)


def stored(publication) -> tuple:
    return Publication.objects.filter(pk=publication.pk).values_list(
        "fiscal_year", "number", "note", "content", "content_sha256"
    )[0]


def numbers_and_notes(world, fy=2020) -> list[tuple[int, str]]:
    found = Publication.objects.filter(plan=world.plan, fiscal_year=fy).order_by("number")
    return list(found.values_list("number", "note"))


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def table_rows(content: str) -> list[str]:
    """The text of each row of the page's first table body."""
    body = re.search(r"<tbody>(.*?)</tbody>", content, re.S).group(1)
    return [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def grade_on_page(fy=2020) -> str:
    """The grade of 1-1-1 as its public page shows it: 「△ 遅れ」."""
    response = Client().get(f"/plans/{SLUG}/indicators/1-1-1/?fy={fy}")
    assert response.status_code == 200
    return text_of(re.search(r'<p class="grade-line">(.*?)</p>', response.content.decode(), re.S).group(1))


def admin_content(response) -> str:
    """The admin page's content, without the header (whose sign-out button is a form of its own)."""
    content = response.content.decode()
    return content[content.index('<div id="content"') : content.index("<!-- END Content -->")]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- A publication is a record: neither updated nor deleted ------------------------------------------------


@pytest.fixture
def publication(world):
    return publish_at(FIRST_PUBLISHED, world)


def test_saving_a_publication_again_is_refused(publication):
    before = stored(publication)
    publication.note = "書き換えた備考"

    with pytest.raises(ImmutableRecord) as error:
        publication.save()

    assert str(error.value) == IMMUTABLE_MESSAGE
    assert stored(publication) == before


def test_deleting_a_publication_is_refused(publication):
    before = stored(publication)

    with pytest.raises(ImmutableRecord):
        publication.delete()

    assert stored(publication) == before


def test_updating_publications_through_a_queryset_is_refused(publication):
    before = stored(publication)

    with pytest.raises(ImmutableRecord):
        Publication.objects.filter(pk=publication.pk).update(note="書き換えた備考")
    with pytest.raises(ImmutableRecord):
        Publication.objects.filter(pk=publication.pk).delete()

    assert stored(publication) == before


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE publications_publication SET note = '書き換えた備考' WHERE id = %s",
        "UPDATE publications_publication SET content = '{}', content_sha256 = '' WHERE id = %s",
        "DELETE FROM publications_publication WHERE id = %s",
    ],
    ids=["note", "content", "delete"],
)
def test_the_database_refuses_sql_that_changes_or_deletes_a_publication(publication, statement):
    before = stored(publication)

    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [publication.pk])

    assert "publications are records: they cannot be changed or deleted" in str(error.value)
    assert stored(publication) == before


def superuser_client(django_user_model) -> Client:
    return signed_in(
        django_user_model.objects.create_superuser(username="admin", last_name="井上", password=None)
    )


def test_the_admin_shows_a_publication_read_only(
    world, django_user_model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # its files built: no retry button either
        publication = publish_at(FIRST_PUBLISHED, world)
    admin = superuser_client(django_user_model)
    url = reverse("admin:publications_publication_change", args=[publication.pk])

    page = admin.get(url)

    content = admin_content(page)
    assert page.status_code == 200
    assert "初回公表" in content
    assert "完了" in content
    assert 'type="submit"' not in content
    assert 'name="_save"' not in content
    assert "deletelink" not in content
    assert reverse("admin:publications_publication_delete", args=[publication.pk]) not in content


def test_posting_to_a_publications_admin_pages_changes_nothing(world, django_user_model):
    publication = publish_at(FIRST_PUBLISHED, world)
    before = stored(publication)
    admin = superuser_client(django_user_model)
    change = admin.post(
        reverse("admin:publications_publication_change", args=[publication.pk]),
        {"note": "書き換えた備考", "fiscal_year": 2021, "number": 7, "content": "{}"},
    )
    delete = admin.post(
        reverse("admin:publications_publication_delete", args=[publication.pk]), {"post": "yes"}
    )
    add = admin.post(
        reverse("admin:publications_publication_add"), {"plan": world.plan.pk, "fiscal_year": 2021}
    )

    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert stored(publication) == before
    assert Publication.objects.count() == 1


# --- Publishing and correcting -------------------------------------------------------------------------


def test_publishing_a_year_the_first_time_makes_number_1_with_the_note_of_a_first_publication(world):
    publication = publish_at(FIRST_PUBLISHED, world)

    assert (publication.fiscal_year, publication.number, publication.note) == (2020, 1, "初回公表")
    assert (publication.publisher, publication.organisation, publication.published_by) == (
        "山本",
        "熊本市",
        world.approver,
    )
    assert publication.published_at == FIRST_PUBLISHED
    assert publication.document()["policies"][0]["measures"][0]["indicators"][0]["actuals"] == {
        "2020": Decimal("92")
    }


def test_publishing_a_year_again_without_a_change_is_refused(world):
    publish_at(FIRST_PUBLISHED, world)

    with pytest.raises(ValidationError) as error:
        publish_at(CORRECTED, world, reason=REASON)

    assert error.value.messages == [f"{R2}の公表内容から変更がありません。"]
    assert numbers_and_notes(world) == [(1, "初回公表")]


@pytest.mark.parametrize("reason", ["", "  　 "])
def test_a_correction_without_a_reason_is_refused(world, reason):
    publish_at(FIRST_PUBLISHED, world)
    correct_2020(world)

    with pytest.raises(ValidationError) as error:
        publish_at(CORRECTED, world, reason=reason)

    assert error.value.messages == [
        f"{R2}はすでに公表しています。訂正の理由を入力してください（例: 令和2年度の実績値の誤りを訂正）。"
    ]
    assert numbers_and_notes(world) == [(1, "初回公表")]


def test_a_year_with_neither_actuals_nor_narratives_cannot_be_published(world):
    with pytest.raises(ValidationError) as error:
        publishing.publish(world.approver, world.plan, 2021)

    assert error.value.messages == ["令和3年度（2021年度）の実績値も取組内容もまだないため、公表できません。"]
    assert not Publication.objects.exists()


def test_publish_refuses_staff_who_may_not_publish(world):
    with pytest.raises(PermissionDenied):
        publishing.publish(world.clerk, world.plan, 2020)

    assert not Publication.objects.exists()


def test_a_correction_with_its_reason_becomes_number_2_and_citizens_see_the_new_value(world, client):
    _, correction = first_and_correction(world)

    page = client.get(f"/plans/{SLUG}/indicators/1-1-1/?fy=2020").content.decode()
    data = client.get(f"/api/plans/{SLUG}/?fy=2020").json()

    assert (correction.number, correction.note) == (2, REASON)
    assert numbers_and_notes(world) == [(1, "初回公表"), (2, REASON)]
    assert "<dd>94％</dd>" in page
    assert "92％" not in page
    assert f'（<a href="/plans/{SLUG}/publications/2020-2/">訂正あり: 第2版</a>）' in page
    assert data["publication"]["number"] == 2
    assert data["publication"]["note"] == REASON
    assert data["publication"]["is_correction"] is True
    assert data["policies"][0]["measures"][0]["indicators"][0]["actuals"] == {"2020": 94}


def test_the_first_publication_stays_readable_at_its_own_address_with_its_old_value(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first_and_correction(world)

    page = client.get(f"/plans/{SLUG}/publications/2020-1/")
    old_data = client.get(f"/plans/{SLUG}/publications/2020-1/data.json").json()
    new_data = client.get(f"/plans/{SLUG}/publications/2020-2/data.json").json()

    content = page.content.decode()
    assert page.status_code == 200
    assert f"<h1>{R2} 第1版</h1>" in content
    assert (
        f'この版は訂正されています。最新の内容は <a href="/plans/{SLUG}/publications/2020-2/">第2版</a> です。'
        in content
    )
    assert f'href="/plans/{SLUG}/publications/2020-1/data.json"' in content
    assert old_data["publication"] == {
        "fy": 2020,
        "number": 1,
        "published_at": "2021-06-30T10:00:00+09:00",
        "note": "初回公表",
        "is_correction": False,
        "content_sha256": Publication.objects.get(number=1).content_sha256,
        "language": "ja",
    }
    assert old_data["policies"][0]["measures"][0]["indicators"][0]["actuals"] == {"2020": 92}
    assert new_data["policies"][0]["measures"][0]["indicators"][0]["actuals"] == {"2020": 94}


def test_the_page_of_a_correction_lists_each_indicator_field_and_its_old_and_new_value(world, client):
    first_and_correction(world)

    content = client.get(f"/plans/{SLUG}/publications/2020-2/").content.decode()

    assert '<h2 id="changes-heading">第1版からの変更点</h2>' in content
    assert table_rows(content) == [
        "1-1-1 民生委員・児童委員の定員充足率 2020年度の実績値 92％ 94％",
        "1-1-1 民生委員・児童委員の定員充足率 評価 △ 遅れ（達成率 92.0％） ○ 順調（達成率 94.0％）",
    ]
    assert f"<dd>{REASON}</dd>" in content


# --- 公表・訂正の履歴 and its feed ------------------------------------------------------------------------


def test_the_publications_page_lists_every_publication_with_its_date_year_number_and_note(world, client):
    first_and_correction(world)

    response = client.get(f"/plans/{SLUG}/publications/")

    content = response.content.decode()
    assert response.status_code == 200
    assert table_rows(content) == [
        f"2021年9月1日 {R2} 報告書（PDF） 第2版 {REASON}"
        " 1-1-1 民生委員・児童委員の定員充足率: 2020年度の実績値 92％ → 94％"
        " 1-1-1 民生委員・児童委員の定員充足率: 評価 △ 遅れ（達成率 92.0％） → ○ 順調（達成率 94.0％） 熊本市",
        f"2021年6月30日 {R2} 報告書（PDF） 第1版 （訂正済み） 初回公表 熊本市",
    ]
    assert '<time datetime="2021-06-30">2021年6月30日</time>' in content
    assert f'<a href="/plans/{SLUG}/publications/2020-1/">{R2}</a>' in content
    assert f'<a href="/plans/{SLUG}/publications/2020-2/">{R2}</a>' in content


@pytest.mark.parametrize(
    "url",
    [
        "/",
        f"/plans/{SLUG}/",
        f"/plans/{SLUG}/?fy=2020",
        f"/plans/{SLUG}/policies/1/",
        f"/plans/{SLUG}/indicators/",
        f"/plans/{SLUG}/indicators/1-1-1/",
        f"/plans/{SLUG}/publications/",
        f"/plans/{SLUG}/publications/2020-1/",
        f"/plans/{SLUG}/publications/2020-2/",
    ],
)
def test_every_public_page_links_the_publications_page_in_its_footer(world, client, url):
    first_and_correction(world)

    response = client.get(url)

    assert response.status_code == 200
    footer = re.search(r'<footer class="site-footer">(.*?)</footer>', response.content.decode(), re.S).group(
        1
    )
    assert f'<a href="/plans/{SLUG}/publications/">公表・訂正の履歴</a>' in footer


def test_the_publications_feed_is_atom_with_an_entry_for_each_publication_and_the_reason_of_a_correction(
    world, client
):
    first_and_correction(world)

    response = client.get(f"/plans/{SLUG}/publications.atom")

    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert response.status_code == 200
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "公表テスト計画 公表・訂正の履歴"
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        f"{R2} 第2版（訂正）",
        f"{R2} 第1版（公表）",
    ]
    correction, first = entries
    assert REASON in correction.findtext(f"{ATOM}summary")
    assert (
        correction.find(f"{ATOM}link").get("href") == f"http://testserver/plans/{SLUG}/publications/2020-2/"
    )
    assert correction.findtext(f"{ATOM}updated") == "2021-09-01T06:00:00+00:00"  # 15:00 in Kumamoto
    assert "初回公表" in first.findtext(f"{ATOM}summary")


# --- Grades are stored at publication ----------------------------------------------------------------


def test_a_published_grade_stays_when_the_target_is_edited_and_a_new_publication_shows_the_new_one(world):
    publish_at(FIRST_PUBLISHED, world)

    Indicator.objects.filter(pk=world.rate.pk).update(target_value=Decimal("95"))

    assert grade_on_page() == "△ 遅れ"
    publish_at(CORRECTED, world, reason="目標値の見直しを反映")
    assert grade_on_page() == "○ 順調"


def test_a_published_grade_stays_when_the_grading_rule_is_edited_and_a_new_publication_shows_the_new_one(
    world,
):
    publish_at(FIRST_PUBLISHED, world)

    world.plan.grading_method = "achievement"
    world.plan.save()
    GradeBand.objects.create(plan=world.plan, position=1, min_rate=Decimal("100"), mark="◎", label="達成")
    GradeBand.objects.create(
        plan=world.plan, position=2, min_rate=Decimal("90"), mark="○", label="おおむね順調"
    )
    GradeBand.objects.create(plan=world.plan, position=3, min_rate=None, mark="×", label="遅れている")

    assert grade_on_page() == "△ 遅れ"
    publish_at(CORRECTED, world, reason="評価の方法を達成率の区分に変更")
    assert grade_on_page() == "○ おおむね順調"  # 達成率 92.0% is at least 90
    first = Publication.objects.get(plan=world.plan, number=1).document()
    assert first["policies"][0]["measures"][0]["indicators"][0]["evaluation"]["grade"] == {
        "mark": "△",
        "label": "遅れ",
    }


# --- The publish screen ----------------------------------------------------------------------------------


def publish_url(world, fy=2020) -> str:
    return reverse("admin:publications_publication_publish") + f"?plan={world.plan.pk}&fy={fy}"


def digest_on(response) -> str:
    return re.search(r'name="digest" value="([0-9a-f]{64})"', response.content.decode()).group(1)


def test_the_publish_screen_shows_a_changed_value_old_and_new_and_the_grade_before_and_after(world):
    publish_at(FIRST_PUBLISHED, world)
    correct_2020(world)

    response = signed_in(world.approver).get(publish_url(world))

    content = response.content.decode()
    assert response.status_code == 200
    assert f"{R2}は 2021年6月30日 に公表済みです（第1版）。" in content
    assert "<h2>公表すると変わる内容（実績値 1件）</h2>" in content
    assert table_rows(content) == [
        "1-1-1 民生委員・児童委員の定員充足率 2020年度の実績値 92％ 94％",
        "1-1-1 民生委員・児童委員の定員充足率 評価 △ 遅れ（達成率 92.0％） ○ 順調（達成率 94.0％）",
    ]


def test_the_publish_screen_does_not_publish_without_the_confirmation(world):
    publish_at(FIRST_PUBLISHED, world)
    correct_2020(world)
    client = signed_in(world.approver)
    digest = digest_on(client.get(publish_url(world)))

    response = client.post(publish_url(world), {"digest": digest, "reason": REASON})

    assert response.status_code == 200
    assert messages_of(response) == [
        "変更点を確認したら「確認しました」にチェックを入れてください。何も公表していません。"
    ]
    assert numbers_and_notes(world) == [(1, "初回公表")]


def test_the_publish_screen_publishes_a_correction_when_confirmed(world):
    publish_at(FIRST_PUBLISHED, world)
    correct_2020(world)
    client = signed_in(world.approver)
    digest = digest_on(client.get(publish_url(world)))

    response = client.post(publish_url(world), {"digest": digest, "reason": REASON, "confirm": "on"})

    correction = Publication.objects.get(plan=world.plan, number=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:publications_publication_change", args=[correction.pk])
    assert numbers_and_notes(world) == [(1, "初回公表"), (2, REASON)]


@pytest.mark.parametrize("role", ["clerk", "viewer"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_an_approver_may_open_the_publish_screen(world, role, method):
    publish_at(FIRST_PUBLISHED, world)
    correct_2020(world)
    digest = publishing.pending(world.plan, 2020).digest
    data = {"digest": digest, "reason": REASON, "confirm": "on"} if method == "post" else {}

    response = getattr(signed_in(getattr(world, role)), method)(publish_url(world), data)

    assert response.status_code == 403
    assert numbers_and_notes(world) == [(1, "初回公表")]


def test_the_publish_screen_refuses_a_digest_of_drafts_that_changed_after_they_were_reviewed(world):
    publish_at(FIRST_PUBLISHED, world)
    correct_2020(world)
    client = signed_in(world.approver)
    digest = digest_on(client.get(publish_url(world)))
    correct_2020(world, "95")  # changed again while the 承認者 reads the screen that showed 94

    response = client.post(publish_url(world), {"digest": digest, "reason": REASON, "confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == publish_url(world)
    assert messages_of(response) == [
        "確認した後に内容が変更されました。変更点を確かめてから、もう一度公表してください。"
    ]
    assert numbers_and_notes(world) == [(1, "初回公表")]


# --- The plan file --------------------------------------------------------------------------------------


def changed_plan_file(tmp_path) -> Path:
    """The Kumamoto plan file with 1-1-1's 2021 actual changed from 92.43 to 93.5."""
    text = KUMAMOTO_PLAN_FILE.read_text(encoding="utf-8")
    before = "actuals: {2020: 91.8, 2021: 92.43}"
    assert text.count(before) == 1
    path = tmp_path / "kumamoto_4th_plan.yaml"
    path.write_text(text.replace(before, "actuals: {2020: 91.8, 2021: 93.5}"), encoding="utf-8")
    return path


def kumamoto_publications(plan) -> list[tuple[int, int, str]]:
    found = Publication.objects.filter(plan=plan).order_by("fiscal_year", "number")
    return list(found.values_list("fiscal_year", "number", "note"))


KUMAMOTO_FIRST = [(2020, 1, "計画ファイルから読み込み"), (2021, 1, "計画ファイルから読み込み")]


def kumamoto_1_1_1(client, fy=2021):
    data = client.get(f"/api/plans/kumamoto-welfare-4/?fy={fy}").json()
    return data["policies"][0]["measures"][0]["indicators"][0]["actuals"]


def test_reading_a_changed_plan_file_changes_the_drafts_and_leaves_the_public_json_byte_identical(
    kumamoto_plan, tmp_path, client
):
    urls = ["/api/plans/kumamoto-welfare-4/?fy=2021", "/api/plans/kumamoto-welfare-4/?fy=2020"]
    before = [client.get(url).content for url in urls]
    empty_page_caches()  # so the second reading is rendered again, not served from the page cache

    call_command("import_plan", str(changed_plan_file(tmp_path)), stdout=io.StringIO())

    assert [client.get(url).content for url in urls] == before
    assert IndicatorValue.objects.get(indicator__code="1-1-1", fiscal_year=2021).value == Decimal("93.5")
    assert kumamoto_publications(kumamoto_plan) == KUMAMOTO_FIRST


def test_reading_a_changed_plan_file_with_publish_corrects_the_changed_year_only(
    kumamoto_plan, tmp_path, client
):
    out = io.StringIO()

    call_command("import_plan", str(changed_plan_file(tmp_path)), publish=True, stdout=out)

    assert kumamoto_publications(kumamoto_plan) == [*KUMAMOTO_FIRST, (2021, 2, "計画ファイルから読み込み")]
    assert kumamoto_1_1_1(client) == {"2020": 91.8, "2021": 93.5}
    assert "令和3年度（2021年度） 第2版を公表しました。" in out.getvalue()


def test_reading_an_unchanged_plan_file_with_publish_publishes_nothing(kumamoto_plan):
    call_command("import_plan", str(KUMAMOTO_PLAN_FILE), publish=True, stdout=io.StringIO())

    assert kumamoto_publications(kumamoto_plan) == KUMAMOTO_FIRST


# --- The publish command ----------------------------------------------------------------------------


def test_the_publish_command_publishes_a_year(world):
    out = io.StringIO()

    call_command("publish", SLUG, fy="R2", stdout=out)

    (publication,) = Publication.objects.filter(plan=world.plan)
    assert (publication.fiscal_year, publication.number, publication.note, publication.publisher) == (
        2020,
        1,
        "初回公表",
        "（コマンドによる公表）",
    )
    assert out.getvalue() == f"公表テスト計画 {R2} 第1版を公表しました。\n"


def test_the_publish_command_publishes_a_correction_with_its_reason_as_the_user_given(world):
    publish_at(FIRST_PUBLISHED, world)
    correct_2020(world)

    call_command("publish", SLUG, fy="2020", reason=REASON, user="approver", stdout=io.StringIO())

    correction = Publication.objects.get(plan=world.plan, number=2)
    assert (correction.note, correction.publisher, correction.published_by) == (
        REASON,
        "山本",
        world.approver,
    )
    assert correction.document()["policies"][0]["measures"][0]["indicators"][0]["actuals"] == {
        "2020": Decimal("94")
    }


def test_the_publish_command_says_in_plain_japanese_that_a_correction_was_published(world):
    publish_at(FIRST_PUBLISHED, world)
    correct_2020(world)
    out = io.StringIO()

    call_command("publish", SLUG, fy="2020", reason=REASON, stdout=out)

    assert out.getvalue() == f"公表テスト計画 {R2} 第2版（訂正）を公表しました。\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"slug": "nothing", "fy": "2020"}, "slug「nothing」の計画はありません。"),
        ({"fy": "来年"}, '"来年" は年度として読み取れません。例: R3、令和3年度、2021'),
        ({"fy": "2030"}, "2030年度は計画期間（2020～2024年度）の外です。 何も変更していません。"),
        (
            {"fy": "2021"},
            "令和3年度（2021年度）の実績値も取組内容もまだないため、公表できません。 何も変更していません。",
        ),
        ({"fy": "2020", "user": "nobody"}, "ユーザー「nobody」はいません。"),
        ({"fy": "2020", "user": "city-clerk"}, "公表する権限がありません。 何も変更していません。"),
    ],
    ids=["unknown plan", "unreadable year", "year outside the plan", "no actuals", "unknown user", "clerk"],
)
def test_the_publish_command_refuses_with_a_japanese_message_and_publishes_nothing(world, arguments, message):
    arguments = {"slug": SLUG} | arguments
    slug = arguments.pop("slug")

    with pytest.raises(CommandError) as error:
        call_command("publish", slug, **arguments, stdout=io.StringIO())

    assert str(error.value) == message
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    ("change", "reason", "message"),
    [
        (False, REASON, f"{R2}の公表内容から変更がありません。 何も変更していません。"),
        (
            True,
            "",
            f"{R2}はすでに公表しています。訂正の理由を入力してください（例: 令和2年度の実績値の誤りを訂正）。"
            " 何も変更していません。",
        ),
    ],
    ids=["unchanged", "correction without a reason"],
)
def test_the_publish_command_refuses_a_republication_it_may_not_make(world, change, reason, message):
    publish_at(FIRST_PUBLISHED, world)
    if change:
        correct_2020(world)

    with pytest.raises(CommandError) as error:
        call_command("publish", SLUG, fy="2020", reason=reason, stdout=io.StringIO())

    assert str(error.value) == message
    assert numbers_and_notes(world) == [(1, "初回公表")]


# --- The files of a publication ------------------------------------------------------------------------

FILES = [
    "charts/1-1-1.svg",
    "charts/1-1-1-mini.svg",
    "charts/1-1-2.svg",
    "charts/1-1-2-mini.svg",
    "charts/grades.svg",
    "data.csv",
    "evaluation.csv",
    "data.json",
    "report.xlsx",
    "report.pdf",
    # the English versions of the files with words in them: the same publication, the same figures
    "en/charts/1-1-1.svg",
    "en/charts/1-1-1-mini.svg",
    "en/charts/1-1-2.svg",
    "en/charts/1-1-2-mini.svg",
    "en/charts/grades.svg",
    "en/report.xlsx",
    "en/report.pdf",
]


def test_the_files_of_a_publication_are_built_and_every_chart_is_stored(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publication = publish_at(FIRST_PUBLISHED, world)

    build = ArtifactBuild.objects.get(publication=publication)
    assert (build.status, build.done_files, build.total_files, build.error) == ("done", 17, 17, "")
    assert build.finished_at is not None
    assert [name for name in FILES if artifacts.open_file(publication, name) is None] == []
    for name in FILES[:5]:
        response = client.get(f"/plans/{SLUG}/publications/2020-1/{name}")
        assert response.status_code == 200, name
        assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
        assert response.content.startswith(b"<svg")


def test_a_failed_build_is_recorded_with_its_error_and_the_publication_stays(
    world, client, django_capture_on_commit_callbacks
):
    broken = mock.patch.object(artifacts, "build_report", side_effect=RuntimeError("Excel の作成に失敗"))
    with broken, django_capture_on_commit_callbacks(execute=True):
        publication = publish_at(FIRST_PUBLISHED, world)

    build = ArtifactBuild.objects.get(publication=publication)
    assert build.status == "failed"
    assert build.error.startswith("RuntimeError: Excel の作成に失敗")
    assert Publication.objects.filter(pk=publication.pk).exists()
    assert artifacts.open_file(publication, "report.xlsx") is None
    assert client.get(f"/plans/{SLUG}/report.xlsx?fy=2020").status_code == 503
    page = admin_content(
        signed_in(world.approver).get(reverse("admin:publications_publication_change", args=[publication.pk]))
    )
    assert "状態: <strong>失敗</strong>" in page
    assert "RuntimeError: Excel の作成に失敗" in page
    assert 'value="ファイルの作成をやり直す"' in page


def test_an_approver_retries_a_failed_build_and_the_files_are_built(
    world, client, django_capture_on_commit_callbacks
):
    broken = mock.patch.object(artifacts, "build_report", side_effect=RuntimeError("Excel の作成に失敗"))
    with broken, django_capture_on_commit_callbacks(execute=True):
        publication = publish_at(FIRST_PUBLISHED, world)
    before = stored(publication)

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(world.approver).post(
            reverse("admin:publications_publication_retry", args=[publication.pk])
        )

    build = ArtifactBuild.objects.get(publication=publication)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:publications_publication_change", args=[publication.pk])
    assert (build.status, build.done_files, build.total_files, build.error) == ("done", 17, 17, "")
    assert [name for name in FILES if artifacts.open_file(publication, name) is None] == []
    assert client.get(f"/plans/{SLUG}/report.xlsx?fy=2020").status_code == 200
    assert stored(publication) == before


@pytest.mark.parametrize(("role", "method"), [("clerk", "post"), ("viewer", "post"), ("approver", "get")])
def test_a_build_is_retried_only_by_an_approver_posting_the_form(
    world, role, method, django_capture_on_commit_callbacks
):
    broken = mock.patch.object(artifacts, "build_report", side_effect=RuntimeError("Excel の作成に失敗"))
    with broken, django_capture_on_commit_callbacks(execute=True):
        publication = publish_at(FIRST_PUBLISHED, world)

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(signed_in(getattr(world, role)), method)(
            reverse("admin:publications_publication_retry", args=[publication.pk])
        )

    assert response.status_code == 403
    assert ArtifactBuild.objects.get(publication=publication).status == "failed"
