import pytest
from django.core.management import CommandError, call_command


def test_evaluate_prints_a_table_of_rates_and_grades(kumamoto_plan, capsys):
    call_command("evaluate", kumamoto_plan.slug, "--fy", "2021")

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "第４次熊本市地域福祉計画・地域福祉活動計画 令和3年度（2021年度）末時点"
    row = next(line for line in lines if line.startswith("1-1-1 "))
    assert row.split()[-4:] == ["92.4％", "-54.5％", "×", "後退"]
    row = next(line for line in lines if line.startswith("3-1-1 "))
    assert row.split()[-4:] == ["324.5％", "476.3％", "◎", "達成"]
    assert lines[-1] == "計: ◎達成 1、○順調 2、△遅れ 0、×後退 7、－評価対象外 0"


def test_evaluate_defaults_to_the_latest_year_with_actuals(kumamoto_plan, capsys):
    call_command("evaluate", kumamoto_plan.slug)

    assert "令和3年度（2021年度）末時点" in capsys.readouterr().out


def test_evaluate_refuses_a_year_outside_the_plan(kumamoto_plan):
    with pytest.raises(CommandError, match="2030年度は計画期間（2020～2024年度）の外です"):
        call_command("evaluate", kumamoto_plan.slug, "--fy", "2030")


@pytest.mark.django_db
def test_evaluate_refuses_an_unknown_plan():
    with pytest.raises(CommandError, match="slug「nothing」の計画はありません"):
        call_command("evaluate", "nothing")
