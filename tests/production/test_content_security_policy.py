"""The production Content-Security-Policy in Chromium: nothing on the pages is blocked, the charts keep their colours."""

import pytest

SLUG = "kumamoto-welfare-4"
PAGES = [
    f"/plans/{SLUG}/",
    f"/plans/{SLUG}/policies/2/",
    f"/plans/{SLUG}/indicators/",
    f"/plans/{SLUG}/indicators/1-1-1/",
]


@pytest.fixture
def page(production_site, browser):
    """A Chromium tab whose requests come as through nginx (X-Forwarded-Proto: https)."""
    context = browser.new_context(
        base_url=f"http://127.0.0.1:{production_site.port}", extra_http_headers={"X-Forwarded-Proto": "https"}
    )
    tab = context.new_page()
    tab.violations = []
    tab.on(
        "console",
        lambda message: "Content Security Policy" in message.text and tab.violations.append(message.text),
    )
    yield tab
    context.close()


def test_the_pages_break_no_rule_of_the_policy_and_show_every_chart(page):
    shown = 0
    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        widths = page.evaluate("[...document.images].map(image => image.naturalWidth)")
        inline = page.evaluate(
            "[...document.querySelectorAll('svg.mini-chart')].map(s => s.getBoundingClientRect().width)"
        )

        assert all(width > 0 for width in widths + inline), path
        shown += len(widths) + len(inline)
    assert shown > 10
    assert page.violations == []


def test_a_chart_opened_on_its_own_keeps_its_colours(page):
    page.goto(f"/plans/{SLUG}/indicators/1-1-1/chart.svg")

    fills = page.evaluate("[...document.querySelectorAll('rect')].map(r => getComputedStyle(r).fill)")
    assert page.violations == []
    assert "rgb(213, 94, 0)" in fills  # vermillion: 1-1-1 has regressed (× 後退)
