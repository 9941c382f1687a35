"""The indicator list on a narrow screen: one row-card per indicator, in the table's order and filters."""

import re

SLUG = "kumamoto-welfare-4"


def row_cards(page: str) -> list[str]:
    """The codes of the row-cards, in order."""
    return re.findall(r'<p class="indicator-row-name"><span class="code">([^<]+)</span>', page)


def test_each_indicator_has_a_row_card_with_its_value_target_rate_and_grade(client, kumamoto_plan):
    page = client.get(f"/plans/{SLUG}/indicators/?fy=2021").content.decode()

    assert row_cards(page) == [
        "1-1-1",
        "1-1-2",
        "1-2-1",
        "2-1-1",
        "2-1-2",
        "2-2-1",
        "3-1-1",
        "3-1-2",
        "3-2-1",
        "3-3-1",
    ]
    card = page[page.index('<span class="code">3-1-1</span>') :]
    card = card[: card.index("</li>")]
    # 3,894件 against 1,200件: 324.5 ％, 達成.
    for text in ("3,894件", "1,200件", "324.5％", "◎ 達成"):
        assert text in card


def test_the_row_cards_follow_the_sort_chosen_and_the_select_shows_it(client, kumamoto_plan):
    page = client.get(f"/plans/{SLUG}/indicators/?fy=2021&sort=-achievement").content.decode()

    # 達成率 at FY2021, worked out from the plan file: 3-1-1 324.5, 1-1-1 92.4, 3-3-1 87.1, 2-1-1 82.5 ...
    assert row_cards(page)[:4] == ["3-1-1", "1-1-1", "3-3-1", "2-1-1"]
    assert '<option value="-achievement" selected>達成率の高い順</option>' in page


def test_the_row_cards_keep_the_filters(client, kumamoto_plan):
    page = client.get(f"/plans/{SLUG}/indicators/?fy=2021&policy=1").content.decode()

    assert row_cards(page) == ["1-1-1", "1-1-2", "1-2-1"]
