"""The yearly entry screens in a real Chromium: a 入力担当 enters a year's values, a 承認者 publishes them."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from playwright.sync_api import expect

from plans.models import Measure, Organisation
from publications.publishing import publish_years_with_actuals
from tests.factories import make_indicator, make_plan, make_policy

PASSWORD = "Kumamoto-entry-2023"


def roles_as_the_migration_makes_them():
    """The groups of plans/migrations/0002_roles.py, with what publications/0004 adds to them. The migrations
    made them, but a transactional test that ran before this one (tests/browser/test_public_pages.py) flushed
    the database, and a flush runs no data migration.
    """
    seeing_publications = import_module("publications.migrations.0004_roles_see_publications").PERMISSIONS
    for name, codenames in import_module("plans.migrations.0002_roles").ROLES.items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            group.permissions.set(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in [*codenames, *seeing_publications]
            )


@pytest.fixture
def site(transactional_db, live_server, django_user_model):
    roles_as_the_migration_makes_them()
    city = Organisation.objects.create(name="熊本市")
    plan = make_plan(slug="entry-plan", title="入力テスト計画", start_fy=2020, end_fy=2024)
    measure = Measure.objects.create(
        policy=make_policy(plan, number=1, title="地域で支え合う"),
        number=1,
        title="見守りの充実",
        organisation=city,
    )
    make_indicator(
        measure,
        code="1-1-1",
        name="民生委員・児童委員の定員充足率",
        unit="％",
        baseline=(2018, "90"),
        target=(2024, "100"),
        actuals={2021: "92.4"},
    )
    make_indicator(measure, code="1-1-2", name="福祉の相談件数", unit="件", actuals={2021: "5233"})
    publish_years_with_actuals(plan)  # FY2021 is public; no transaction here, so its files are built at once
    clerk = django_user_model.objects.create_user(
        username="city-clerk", password=PASSWORD, last_name="田中", is_staff=True
    )
    clerk.groups.add(Group.objects.get(name="入力担当"))
    city.members.add(clerk)
    approver = django_user_model.objects.create_user(
        username="approver", password=PASSWORD, last_name="山本", is_staff=True
    )
    approver.groups.add(Group.objects.get(name="承認者"))
    return SimpleNamespace(url=live_server.url, plan=plan)


def sign_in(page, site, username, path):
    """Through the admin's own sign-in page, as staff do."""
    page.goto(site.url + reverse("admin:login") + f"?next={path}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator("h1")).not_to_have_text("ログイン")


def choose_plan_and_year(page, title, fy):
    page.locator("select[name=plan]").select_option(label=title)
    page.locator("select[name=fy]").select_option(str(fy))
    page.get_by_role("button", name="表示").click()


def test_a_clerk_enters_a_years_values_on_the_bulk_screen_and_an_approver_publishes_them(
    site, page, browser, screenshot_dir
):
    page.set_viewport_size({"width": 1280, "height": 900})
    indicator_page = site.url + reverse("public:indicator", args=["entry-plan", "1-1-1"]) + "?fy=2022"

    sign_in(page, site, "city-clerk", reverse("admin:indicators_indicatorvalue_bulk"))
    choose_plan_and_year(page, "入力テスト計画", 2022)
    expect(page.get_by_role("row", name="1-1-1")).to_contain_text("92.4％")
    page.get_by_label("1-1-1 今年度の値").fill("未集計")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("row", name="1-1-1")).to_contain_text(
        "「未集計」は数値ではありません。数値だけを入力してください。"
    )
    page.screenshot(path=screenshot_dir / "entry-bulk-error-1280.png", full_page=True)
    page.get_by_label("1-1-1 今年度の値").fill("95.5")
    page.get_by_label("1-1-2 今年度の値").fill("5,300")
    page.get_by_label("1-1-2 備考").fill("電話相談を含む")
    page.screenshot(path=screenshot_dir / "entry-bulk-filled-1280.png", full_page=True)
    page.get_by_role("button", name="保存", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text(
        "令和4年度（2022年度）の実績値を2件保存しました（下書き）。承認者が公表すると市民に表示されます。"
    )
    expect(page.get_by_label("1-1-1 今年度の値")).to_have_value("95.5")
    expect(page.get_by_role("row", name="1-1-1")).to_contain_text("入力済み")
    page.screenshot(path=screenshot_dir / "entry-bulk-saved-1280.png", full_page=True)

    citizen = browser.new_page()
    citizen.goto(indicator_page)
    expect(citizen.locator("h1")).to_have_text("ページが見つかりません")  # FY2022 is not published yet
    expect(citizen.locator("main")).to_contain_text("公表している年度: 令和3年度（2021年度）")

    page.context.clear_cookies()
    sign_in(page, site, "approver", reverse("admin:publications_publication_publish"))
    choose_plan_and_year(page, "入力テスト計画", 2022)
    expect(page.get_by_text("令和4年度（2022年度）はまだ公表していません。")).to_be_visible()
    expect(page.get_by_role("row", name="1-1-1")).to_contain_text("95.5")
    page.screenshot(path=screenshot_dir / "entry-publish-1280.png", full_page=True)
    page.get_by_label("上の変更点を確認しました").check()
    page.get_by_role("button", name="公表する").click()

    expect(page.locator(".messagelist")).to_contain_text("令和4年度（2022年度）を公表しました（第1版）。")
    page.screenshot(path=screenshot_dir / "entry-publish-done-1280.png", full_page=True)
    citizen.goto(indicator_page)
    expect(citizen.locator(".figures")).to_contain_text("95.5％")
    expect(citizen.locator(".updated")).to_contain_text("公表日")


LONG_NAME = "ボランティア登録者等のうち地域福祉活動へのマッチングを行った件数（年間）と、その内訳の記録"


@pytest.mark.parametrize(
    "path", ["admin:indicators_indicatorvalue_changelist", "admin:initiatives_narrative_changelist"]
)
def test_the_value_and_narrative_lists_fit_a_1280_pixel_screen(site, page, screenshot_dir, path):
    indicator = make_indicator(
        site.plan.policies.get().measures.get(), code="1-1-3", name=LONG_NAME, unit="人", actuals={2021: "11"}
    )
    for fy in (2020, 2021):
        indicator.measure.narratives.create(
            fiscal_year=fy,
            section="initiatives",
            position=1,
            indicator=indicator,
            text="長い取組の内容。" * 20,
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site, "approver", reverse(path))

    page.screenshot(path=screenshot_dir / f"admin-{path.split(':')[1]}-1280.png", full_page=True)
    table = page.locator("#result_list")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.evaluate("(t) => t.scrollWidth <= t.parentElement.clientWidth + 1", table.element_handle())


def test_values_in_the_list_show_as_written_and_buttons_keep_their_japanese(site, page):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site, "approver", reverse("admin:indicators_indicatorvalue_changelist"))

    values = page.locator("#result_list td.field-value_as_written").all_inner_texts()
    assert "92.4％" in values and "5,233件" in values
    assert "EXCEL" not in page.locator(".object-tools").inner_text()


def test_the_admin_index_leads_with_the_yearly_tasks(site, page, screenshot_dir):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site, "approver", reverse("admin:index"))

    page.screenshot(path=screenshot_dir / "admin-index-1280.png", full_page=True)
    expect(page.get_by_role("heading", name="毎年の作業")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_the_tolerance_field_shows_only_for_an_indicator_to_maintain(site, page, django_user_model):
    django_user_model.objects.create_superuser("administrator", password=PASSWORD)
    indicator = site.plan.indicators.get(code="1-1-1")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, site, "administrator", reverse("admin:indicators_indicator_change", args=[indicator.pk]))

    tolerance = page.locator(".form-row.field-tolerance")
    expect(tolerance).to_be_hidden()  # 増やす
    page.locator("#id_direction").select_option("maintain")
    expect(tolerance).to_be_visible()
