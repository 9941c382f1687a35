import pytest
from django.urls import reverse

from tests.factories import make_plan


def test_the_home_page_shows_the_only_plan_with_its_philosophy_and_indicators(client, kumamoto_plan):
    response = client.get("/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "だれもが「おたがいさま」で支え合う協働のまちづくり" in content
    assert "令和2年度（2020年度）～令和6年度（2024年度）" in content
    assert "基本方針Ⅲ 多様な主体の連携・協働の推進" in content
    assert "「熊本市生活自立支援センター」の新規相談受付件数（年間）" in content


@pytest.mark.django_db
def test_the_home_page_lists_the_plans_when_there_are_several(client):
    make_plan(slug="a", title="計画A")
    make_plan(slug="b", title="計画B")

    content = client.get("/").content.decode()

    assert reverse("plans:detail", args=["a"]) in content
    assert reverse("plans:detail", args=["b"]) in content


@pytest.mark.django_db
def test_an_unknown_plan_is_a_404(client):
    assert client.get(reverse("plans:detail", args=["nothing"])).status_code == 404


def test_the_plan_page_runs_a_fixed_number_of_queries(client, kumamoto_plan, django_assert_num_queries):
    with django_assert_num_queries(5):
        client.get(reverse("plans:detail", args=[kumamoto_plan.slug]))
