"""The next plan: starting it from an ended one, and a two-plan chain (tests/fixtures/minato_ended_plan.yaml →
minato_next_plan.yaml, both our own) through import, export, re-import, the pages, the JSON and the Excel
report. Expected values are read off the two files by hand.

The successor's 1-1-1 continues the predecessor's 1-1-1 (target 200 in FY2024, last actual 210 in FY2024),
1-1-2 revises 1-1-2, 1-2-2 is new and 2-1-1 continues 2-1-2; the predecessor's 1-2-1, 2-1-1, 2-2-1 and
2-2-2 are carried on by none (廃止).
"""

import html
import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import Indicator
from plans.models import Plan
from publications import artifacts
from publications.artifacts import run_build
from publications.models import Publication
from publications.planfile import PlanFileError, dump_plan, import_plan_file, parse_plan, save_plan
from publications.publishing import publish_years_with_actuals
from succession.successor import SuccessorError, start_successor

FIXTURES = Path(settings.BASE_DIR) / "tests" / "fixtures"
ENDED, NEXT = FIXTURES / "minato_ended_plan.yaml", FIXTURES / "minato_next_plan.yaml"


def published(path: Path) -> Plan:
    plan, _ = import_plan_file(path)
    for publication in publish_years_with_actuals(plan):
        run_build(publication.build)
    return Plan.objects.get(pk=plan.pk)


@pytest.fixture
def ended(db):
    return published(ENDED)


@pytest.fixture
def chain(ended):
    return ended, published(NEXT)


def text_of(content: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(content.decode())))


def body(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index("slug:") :]


# --- Starting the successor ----------------------------------------------------------------------------


def test_the_successor_copies_the_structure_and_carries_each_indicator_with_its_last_published_actual(ended):
    started = start_successor(ended, "minato-next", 2025, 2029, "次のみなと市計画")
    plan = started.plan
    assert (plan.title, plan.period_label, plan.predecessor) == (
        "次のみなと市計画",
        "令和7年度（2025年度）～令和11年度（2029年度）",
        ended,
    )
    assert plan.organisation_names() == ["みなと市"]
    assert list(plan.review_marks.values_list("mark", flat=True)) == ["A", "B", "C"]
    rows = {i.code: i for i in Indicator.objects.filter(plan=plan)}
    assert sorted(rows) == ["1-1-1", "1-1-2", "1-2-1", "2-1-1", "2-1-2", "2-2-1", "2-2-2"]
    # 現状値: every indicator's latest actual in the FY2024 publication
    assert (rows["1-1-1"].baseline_fy, rows["1-1-1"].baseline_value) == (2024, Decimal(210))
    assert (rows["2-1-1"].baseline_fy, rows["2-1-1"].baseline_value) == (2024, Decimal("41.9"))
    assert all(i.carry_over == "continued" and i.carried_from == code for code, i in rows.items())
    assert all(i.target_value is None and not i.values.exists() for i in rows.values())
    assert (started.indicators, started.with_baseline) == (7, 7)
    assert not Publication.objects.filter(plan=plan).exists()  # a draft


@pytest.mark.parametrize(
    ("slug", "start", "end", "message"),
    [
        ("minato-welfare", 2025, 2029, "識別子「minato-welfare」の計画はすでにあります。"),
        (
            "minato-next",
            2024,
            2029,
            "次期計画の開始年度は、みなと市地域福祉計画の終了年度（2024年度）より後にしてください。",
        ),
        ("minato-next", 2027, 2026, "次期計画の終了年度は開始年度以降にしてください。"),
    ],
)
def test_a_successor_that_cannot_be_is_refused_and_nothing_is_written(ended, slug, start, end, message):
    with pytest.raises(SuccessorError, match=re.escape(message)):
        start_successor(ended, slug, start, end)
    assert Plan.objects.count() == 1


def test_the_command_starts_the_successor_and_says_what_to_do_next(ended, capsys):
    call_command(
        "start_successor", "minato-welfare", "--slug", "minato-next", "--start-fy", "R7", "--end-fy", "R11"
    )
    out = capsys.readouterr().out
    assert (
        "次期計画「みなと市地域福祉計画（次期計画）」（minato-next、令和7年度（2025年度）～令和11年度（2029年度））"
        in out
    )
    assert "成果指標 7件を「継続」として引き継ぎ" in out
    with pytest.raises(CommandError, match="計画「nothing」がありません。"):
        call_command("start_successor", "nothing", "--slug", "x", "--start-fy", "2025", "--end-fy", "2029")


def test_the_admin_action_asks_for_the_period_then_starts_the_successor(ended, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="admin", password="x-unused-7"))
    url = reverse("admin:plans_plan_changelist")
    asked = client.post(url, {"action": "start_successor_action", "_selected_action": [ended.pk]})
    page = html.unescape(asked.content.decode())
    assert asked.status_code == 200 and "みなと市地域福祉計画の次期計画を作る" in page
    assert 'value="2025"' in page and 'value="2029"' in page  # the next five years, as the plan ran
    done = client.post(
        url,
        {
            "action": "start_successor_action",
            "_selected_action": [ended.pk],
            "apply": "1",
            "slug": "minato-next",
            "title": "",
            "start_fy": 2025,
            "end_fy": 2029,
        },
    )
    successor = Plan.objects.get(slug="minato-next")
    assert done.status_code == 302 and done["Location"] == reverse(
        "admin:plans_plan_change", args=[successor.pk]
    )
    refused = client.post(
        url,
        {
            "action": "start_successor_action",
            "_selected_action": [ended.pk],
            "apply": "1",
            "slug": "minato-next",
            "start_fy": 2025,
            "end_fy": 2029,
        },
    )
    assert "識別子「minato-next」の計画はすでにあります。" in html.unescape(refused.content.decode())
    assert Plan.objects.count() == 2


# --- The chain through the plan file --------------------------------------------------------------------


def test_both_plan_files_round_trip_byte_for_byte_and_read_back_the_same(chain):
    ended, successor = chain
    assert dump_plan(ended) == body(ENDED)
    assert dump_plan(successor) == body(NEXT)
    again, created = save_plan(parse_plan(dump_plan(successor)))
    assert not created and dump_plan(again) == body(NEXT)


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        ("predecessor: minato-welfare", "predecessor: minato-zero", "前の計画「minato-zero」がありません。"),
        (
            "carried_from: 2-1-2",
            "carried_from: 9-9-9",
            "前の計画（みなと市地域福祉計画）に指標コード「9-9-9」の成果指標はありません",
        ),
        ("start_fy: 2025", "start_fy: 2024", "前の計画（みなと市地域福祉計画）は2024年度までの計画です。"),
    ],
)
def test_the_plan_file_refuses_a_chain_that_does_not_hold_and_writes_nothing(ended, before, after, message):
    text = body(NEXT).replace(before, after, 1)
    if before.startswith("start_fy"):
        text = text.replace("baseline: {fy: 2025, value: 30}", "baseline: {fy: 2024, value: 30}")
    with pytest.raises(PlanFileError, match=re.escape(message)):
        save_plan(parse_plan(text))
    assert not Plan.objects.filter(slug="minato-welfare-2").exists()


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (
            "      carried_from: 1-1-1\n",
            "",
            "carry_over: continued の指標には carried_from（前の計画の指標コード）を書いてください。",
        ),
        (
            "      carry_over: new\n",
            "      carry_over: new\n      carried_from: 1-2-1\n",
            "carried_from を書いた指標の carry_over は continued か revised にしてください。",
        ),
        (
            "      carry_over: new\n",
            "      carry_over: kept\n",
            "carry_over は continued（継続）、revised（見直し）、new（新規）のいずれかです（「kept」）。",
        ),
        (
            "predecessor: minato-welfare\n",
            "",
            "carried_from・carry_over は、計画に predecessor（前の計画）を書いたときだけ使えます。",
        ),
    ],
)
def test_the_plan_file_refuses_carry_over_keys_that_disagree(before, after, message):
    with pytest.raises(PlanFileError, match=re.escape(message)):
        parse_plan(body(NEXT).replace(before, after, 1))


# --- The outputs ---------------------------------------------------------------------------------------


def test_the_json_names_the_predecessor_each_carry_and_the_retired_indicators(client, chain):
    data = client.get("/api/plans/minato-welfare-2/").json()
    assert data["predecessor"] == {
        "slug": "minato-welfare",
        "title": "みなと市地域福祉計画",
        "title_en": "",  # the plan gives no English title
        "start_fy": 2020,
        "end_fy": 2024,
        "fy": 2024,
    }
    assert [item["code"] for item in data["retired_indicators"]] == ["1-2-1", "2-1-1", "2-2-1", "2-2-2"]
    items = {i["code"]: i for p in data["policies"] for m in p["measures"] for i in m["indicators"]}
    carry = items["1-1-1"]["carry_over"]
    assert (carry["kind"], carry["from"], carry["predecessor"]["target"]) == (
        "continued",
        "1-1-1",
        {"fy": 2024, "value": 200},
    )
    assert carry["predecessor"]["actuals"] == {"2020": 120, "2022": 160, "2024": 210}
    assert items["1-1-1"]["target_rationale"] == "前計画の最終年度の実績値から、毎年10人の増加を目指す。"
    assert items["2-1-1"]["carry_over"]["from"] == "2-1-2"
    assert items["1-2-2"]["carry_over"] == {"kind": "new", "from": None, "predecessor": None}


def test_the_carry_over_page_groups_the_indicators_and_lists_the_retired(client, chain):
    page = text_of(client.get("/plans/minato-welfare-2/carry-over/").content)
    assert "継続 2件 見直し 1件 新規 1件 廃止 4件" in page
    assert "1-1-2 研修を修了した人の数（累計） 前の計画の指標 1-1-2 研修を修了した人の数" in page
    assert "2-2-2 地域の居場所の数 （単位: 箇所） この計画には引き継いでいません" in page
    assert client.get("/plans/minato-welfare/carry-over/").status_code == 404  # the first plan has none


def test_a_carried_indicator_page_links_its_predecessor_and_charts_both_plans(client, chain):
    html_text = client.get("/plans/minato-welfare-2/indicators/1-1-1/").content.decode()
    assert 'href="/plans/minato-welfare/indicators/1-1-1/"' in html_text
    assert "目標設定の考え方" in html_text
    publication = Publication.objects.current(chain[1], 2025)
    svg = artifacts.open_file(publication, artifacts.chart_name("1-1-1")).decode()
    assert "前の計画の値" in svg and "この計画" in svg
    for value in (
        "100",
        "120",
        "160",
    ):  # the predecessor's baseline and actuals before FY2024, the new baseline
        assert f">{value}</text>" in svg


def test_the_ended_plan_links_to_its_successor_only_once_the_successor_is_published(client, ended):
    assert "次の計画" not in client.get("/plans/minato-welfare/").content.decode()
    successor, _ = import_plan_file(NEXT)
    assert "次の計画" not in client.get("/plans/minato-welfare/").content.decode()  # a draft is not public
    publish_years_with_actuals(successor)
    page = client.get("/plans/minato-welfare/indicators/1-1-1/").content.decode()
    assert '次の計画: <a href="/plans/minato-welfare-2/">第２次みなと市地域福祉計画</a>' in page


def test_the_excel_report_of_the_successor_has_the_carry_over_sheet(chain):
    workbook = load_workbook(
        BytesIO(artifacts.open_file(Publication.objects.current(chain[1], 2025), artifacts.REPORT_FILE))
    )
    assert "指標の引き継ぎ" in workbook.sheetnames
    rows = [row for row in workbook["指標の引き継ぎ"].iter_rows(values_only=True)]
    by_kind = {}
    for row in rows:
        if row and row[0] in {"継続", "見直し", "新規", "廃止"}:
            by_kind.setdefault(row[0], []).append(row)
    assert {kind: len(found) for kind, found in by_kind.items()} == {
        "継続": 2,
        "見直し": 1,
        "新規": 1,
        "廃止": 4,
    }
    continued = next(row for row in by_kind["継続"] if row[1] == "1-1-1")
    # cells are broken into lines for print: compared without the breaks
    assert tuple(cell.replace("\n", "") for cell in continued[4:7]) == (
        "200人（R6）",
        "210人（R6）",
        "260人（R11）",
    )
    assert (
        "指標の引き継ぎ"
        not in load_workbook(
            BytesIO(artifacts.open_file(Publication.objects.current(chain[0], 2024), artifacts.REPORT_FILE))
        ).sheetnames
    )
