"""Year fields of the admin read 和暦 as the plan file does, and say clearly what they cannot read."""

import pytest
from django.urls import reverse

from plans.forms import FiscalYearField
from tests.factories import make_measure, make_plan, make_policy


@pytest.mark.parametrize(
    ("text", "fy"),
    [
        ("2022", 2022),
        ("R4", 2022),
        ("令和4年度", 2022),
        ("ｒ４", 2022),
        ("令和4年度（2022年度）", 2022),
        ("H30", 2018),
    ],
)
def test_a_year_is_read_in_western_or_japanese_form(text, fy):
    assert FiscalYearField().clean(text) == fy


def test_a_bare_small_number_is_refused_with_a_message_that_shows_the_forms():
    with pytest.raises(
        Exception, match="「4」は年度として読み取れません。2022、R4、令和4年度 のように入力してください。"
    ):
        FiscalYearField().clean("4")


@pytest.mark.django_db
def test_the_narrative_form_of_the_admin_takes_r4_and_saves_2022(admin_client):
    plan = make_plan()
    measure = make_measure(make_policy(plan))

    response = admin_client.post(
        reverse("admin:initiatives_narrative_add"),
        {
            "measure": measure.pk,
            "fiscal_year": "R4",
            "section": "initiatives",
            "position": 1,
            "text": "取組の内容",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert measure.narratives.get().fiscal_year == 2022


@pytest.mark.django_db
def test_the_admin_form_explains_the_year_forms(admin_client):
    page = admin_client.get(reverse("admin:initiatives_narrative_add")).content.decode()

    assert "西暦（2022）でも和暦（R4、令和4年度）でも入力できます。" in page
