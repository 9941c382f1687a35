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


@pytest.mark.parametrize("spelling", ["R3", "令和3年度", "2021年度", "２０２１"])
def test_every_command_reads_a_year_as_the_plan_document_writes_it(kumamoto_plan, capsys, tmp_path, spelling):
    call_command("evaluate", kumamoto_plan.slug, "--fy", spelling)
    call_command("export_report", kumamoto_plan.slug, "--fy", spelling, "-o", str(tmp_path / "r.xlsx"))

    assert "令和3年度（2021年度）末時点" in capsys.readouterr().out
    assert (tmp_path / "r.xlsx").stat().st_size > 0


@pytest.mark.parametrize("command", ["evaluate", "export_report", "publish"])
@pytest.mark.parametrize(
    ("spelling", "message"),
    [
        ("0000", "「0000」は扱える年度（1950～2100年度）の外です。"),
        ("R3x", '"R3x" は年度として読み取れません'),
    ],
)
def test_every_command_refuses_an_unreadable_year_with_the_same_message(
    kumamoto_plan, command, spelling, message
):
    with pytest.raises(CommandError, match=message):
        call_command(command, kumamoto_plan.slug, "--fy", spelling)
