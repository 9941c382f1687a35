"""The public pages in a real Chromium: accessibility, phone and desktop layouts, keyboard use."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from publications.planfile import import_plan_file
from publications.publishing import publish_years_with_actuals
from tests.conftest import KUMAMOTO_PLAN_FILE

SLUG = "kumamoto-welfare-4"
ENDED_PLAN_FILE = Path(settings.BASE_DIR) / "tests" / "fixtures" / "minato_ended_plan.yaml"
NEXT_PLAN_FILE = Path(settings.BASE_DIR) / "tests" / "fixtures" / "minato_next_plan.yaml"
ENDED, NEXT = "minato-welfare", "minato-welfare-2"
PAGES = {
    "home": "/",
    "plan": f"/plans/{SLUG}/",
    "plan-fy2020": f"/plans/{SLUG}/?fy=2020",
    "policy": f"/plans/{SLUG}/policies/2/",
    "indicator": f"/plans/{SLUG}/indicators/1-1-1/",
    "indicator-no-baseline": f"/plans/{SLUG}/indicators/2-1-2/",
    "indicator-far-above-target": f"/plans/{SLUG}/indicators/3-1-1/",
    "indicator-table": f"/plans/{SLUG}/indicators/?sort=-achievement",
    "bad-year": f"/plans/{SLUG}/?fy=2030",
    "not-found": f"/plans/{SLUG}/indicators/9-9-9/",
    "publications": f"/plans/{SLUG}/publications/",
    "publication": f"/plans/{SLUG}/publications/2021-1/",
    "midterm": f"/plans/{SLUG}/final/",
    "final": f"/plans/{ENDED}/final/?fy=2024",
    "ended-plan": f"/plans/{ENDED}/?fy=2024",
    "indicator-yearly-target": f"/plans/{ENDED}/indicators/1-1-2/?fy=2022",
    "policy-reviews": f"/plans/{ENDED}/policies/1/?fy=2024",
    "carry-over": f"/plans/{NEXT}/carry-over/",
    "indicator-carried": f"/plans/{NEXT}/indicators/1-1-1/",
}


def publish_both_plans() -> None:
    """The Kumamoto plan as `make run` serves it (FY2020 and FY2021 published), and an ended plan of our own
    making with its last year published and its successor (tests/fixtures/minato_*_plan.yaml)."""
    for path in (KUMAMOTO_PLAN_FILE, ENDED_PLAN_FILE, NEXT_PLAN_FILE):
        plan, _ = import_plan_file(path)
        publish_years_with_actuals(plan)  # no transaction around it here: the files are built on commit


@pytest.mark.parametrize("name", list(PAGES))
def test_every_public_page_has_no_axe_violations(site, page, name):
    page.goto(site + PAGES[name])

    results = Axe().run(page)

    assert results.violations_count == 0, results.generate_report()


# The smallest text a visitor sees: every element with text of its own that takes up room on the page
# (visually hidden labels, 1 px boxes for screen readers, are left out), in CSS px as Chromium renders it.
SMALLEST_TEXT = """() => {
  let smallest = null;
  for (const element of document.body.querySelectorAll('*')) {
    const own = [...element.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    const box = element.getBoundingClientRect();
    if (!own || box.width <= 1 || box.height <= 1) continue;
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (smallest === null || size < smallest.size) smallest = {size, text: element.textContent.trim().slice(0, 40)};
  }
  return smallest;
}"""


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_pages_fit_the_screen_at_phone_and_desktop_widths(site, page, screenshot_dir, name, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + PAGES[name])

    page.screenshot(path=screenshot_dir / f"{name}-{width}.png", full_page=True)

    # Nothing but the scrollable table region may be wider than the screen.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert page.locator("h1").first.is_visible()
    smallest = page.evaluate(SMALLEST_TEXT)
    assert smallest["size"] >= 12, smallest


def test_keyboard_only_from_the_plan_page_to_an_indicator_and_back(site, page):
    page.goto(site + PAGES["plan"])

    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("本文へ移動")
    target = "民生委員・児童委員、主任児童委員の定員充足率"
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == target:
            break
    else:
        pytest.fail("the indicator link was not reached with Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/indicators/1-1-1/"))
    expect(page.locator("h1")).to_have_text(target)

    for _ in range(10):
        page.keyboard.press("Tab")
        if (
            page.evaluate("document.activeElement.textContent.trim()")
            == "第４次熊本市地域福祉計画・地域福祉活動計画"
        ):
            break
    else:
        pytest.fail("the breadcrumb back to the plan was not reached with Tab")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("第４次熊本市地域福祉計画・地域福祉活動計画")


def test_the_fiscal_year_selector_works_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + PAGES["plan"])

    page.select_option("#fy-select", "2020")
    page.get_by_role("button", name="表示").click()

    expect(page).to_have_url(re.compile(r"fy=2020"))
    expect(page.locator("#summary-heading")).to_contain_text("令和2年度（2020年度）末時点")
    context.close()


def test_the_focus_is_visible(site, page):
    page.goto(site + PAGES["plan"])
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")

    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")

    assert outline == "solid"


# Chart text, as Chromium lays it out: at least 12 CSS px on a phone, and no label over another.
TEXT_SIZES = """() => {
  const sizes = [];
  for (const svg of document.querySelectorAll('svg.mini-chart')) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll('text')) sizes.push(parseFloat(text.getAttribute('font-size') || getComputedStyle(svg).fontSize) * scale);
  }
  return sizes;
}"""
IMAGE_SCALES = """() => [...document.images].filter(i => i.src.endsWith('.svg')).map(i => [i.src, i.getBoundingClientRect().width])"""
OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('text')].map(t => [t.textContent, t.getBBox()]);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const [a, p] = boxes[i], [b, q] = boxes[j];
    if (p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height) hits.push([a, b]);
  }
  return hits;
}"""


@pytest.mark.parametrize(
    "name",
    [
        "plan",
        "policy",
        "indicator",
        "indicator-no-baseline",
        "indicator-far-above-target",
        "indicator-yearly-target",
        "indicator-carried",
    ],
)
def test_chart_text_is_at_least_12_css_pixels_on_a_375_pixel_phone(site, page, name):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(site + PAGES[name])

    inline = page.evaluate(TEXT_SIZES)
    images = page.evaluate(IMAGE_SCALES)
    smallest_in_images = []
    for src, shown_width in images:
        chart = page.context.new_page()
        chart.goto(src)
        sizes = chart.evaluate(
            "[...document.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')))"
        )
        natural = chart.evaluate("document.documentElement.viewBox.baseVal.width")
        chart.close()
        smallest_in_images.append(min(sizes) * shown_width / natural)

    assert images or inline
    assert all(size >= 12 for size in smallest_in_images), smallest_in_images
    assert all(size >= 12 for size in inline), min(inline, default=None)


@pytest.mark.parametrize("code", ["1-1-1", "1-1-2", "1-2-1", "2-1-2", "3-1-1", "3-3-1"])
def test_no_label_of_an_indicator_chart_overlaps_another_as_chromium_draws_it(site, page, code):
    page.goto(f"{site}/plans/{SLUG}/indicators/{code}/chart.svg", wait_until="load")

    assert page.evaluate(OVERLAPS) == []
    assert page.evaluate("document.querySelectorAll('text').length") > 10


def test_on_a_phone_the_indicator_list_shows_row_cards_with_the_grade_in_view(site, page):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(site + PAGES["indicator-table"])

    assert not page.locator(".table-scroll").is_visible()
    grades = page.locator(".indicator-row .grade")
    assert grades.count() == 10
    rights = page.evaluate(
        "[...document.querySelectorAll('.indicator-row .grade')].map(g => g.getBoundingClientRect().right)"
    )
    assert max(rights) <= 375
    assert page.evaluate("document.documentElement.scrollHeight") < 3500  # 5,000 px as a table


def test_on_a_desktop_the_indicator_list_is_the_sortable_table(site, page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + PAGES["indicator-table"])

    assert page.locator(".table-scroll").is_visible()
    assert not page.locator(".indicator-rows").is_visible()


def test_on_a_phone_the_publication_history_shows_one_card_per_publication_instead_of_the_table(site, page):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(site + PAGES["publications"])

    expect(page.locator("table.data-table")).to_be_hidden()
    cards = page.locator("ol[aria-label='公表の一覧（新しい順）'] > li")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("令和3年度（2021年度） 第1版")
    expect(cards.first).to_contain_text("計画ファイルから読み込み")
