"""No stored data can make a public page, a chart or a download fail (issue #13).

Three plans hold the extreme values the models accept, each object saved only after full_clean(), as every
door does: names, titles and units at their max_length, written with markup, template and format syntax,
emoji, CJK extension characters and right-to-left text; values of 9,999,999,999.9999 (the 14 digits of a
MeasuredValueField, 4 after the point), its negative, 0 and 0.0001; a plan over every year the system keeps
(1950–2100) and plans of a single year; 20 grade bands down to the band minimums -999,999.99 and null;
narratives of 2,000 characters. They are published as a 承認者 publishes (with a correction), their files
built, and then every public URL is fetched, for the first, a middle and the last published year.
"""

import csv
import html
import io
import json
import xml.etree.ElementTree as ElementTree
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from openpyxl import load_workbook

from indicators.evaluation import grade_keys
from indicators.models import Indicator, IndicatorValue
from initiatives.models import MAX_NARRATIVE_LENGTH, Narrative
from plans.grading import MAX_BANDS, bands_problem
from plans.models import BasicPolicy, GradeBand, Measure, Organisation, Plan
from publications.models import Publication
from publications.tables import SORTABLE
from tests.factories import make_staff, publish, shown

LARGEST = Decimal("9999999999.9999")  # 10 digits before the point, 4 after: what a value can hold
SMALLEST = -LARGEST
TINY = Decimal("0.0001")
ZERO = Decimal("0")
BAND_LARGEST, BAND_SMALLEST = (
    Decimal("999999.99"),
    Decimal("-999999.99"),
)  # GradeBand.min_rate: 8 digits, 2 after

# Everything a name may hold that a renderer could mistake for something else: markup, an entity, quotes,
# mathtext, a backslash, template and format syntax, a formula, emoji (one a sequence of seven code points),
# CJK extension B and G, Arabic and Hebrew (right to left), half-width kana, a combining accent, a line
# separator (U+2028, not a control character) and a byte-order mark.
HOSTILE = (
    "=<b>&amp;\"'$x^2$\\{}%(s)s%d{0}{{ v }}{% t %}</b>]]>-->"
    "👨‍👩‍👧‍👦🏳️‍🌈𠮷𩸽𰻞 مرحبا שלום ｶﾞｷﾞ e\u0301\u2028\ufeff_x000A_"
)
# A multi-line text: line breaks of both kinds and a tab, which descriptions and narratives may hold.
MULTILINE = "※注記です。\r\n\t=SUM(A1:A9)\n<p>段落</p>\n\n" + HOSTILE + "\n"
# Drawn in the charts (a unit, a grade's mark and label), so within what the chart font has.
DRAWN = "=<&>\"'$x$\\{}%円"


def fill(length: int, prefix: str = "", pattern: str = HOSTILE) -> str:
    """prefix followed by pattern, repeated and cut to exactly length characters."""
    text = prefix + pattern * (length // len(pattern) + 1)
    return text[:length]


def valid(model_object):
    """Save model_object as a door does: only once full_clean() accepts it."""
    model_object.full_clean()
    model_object.save()
    return model_object


# --- The plans --------------------------------------------------------------------------------------------

WIDE = "w" * 76 + "-151"  # a slug of 80 characters: the plan of every year 1950–2100, graded by pace
WIDE_YEARS = (1950, 2025, 2100)  # published: the first, a middle and the last year
ONE_YEAR = "b"  # the shortest slug: one year (2100), graded by 20 bands
FIRST_YEAR = "c-1950"  # one year (1950), one band with no minimum that reads like 評価対象外
LONG_CODE = "ZZZZZZZZZZ-zzzzzzzzz"  # 20 characters, the max_length of a code
DIGITS_CODE = "9" * 20

EVERY_YEAR = {
    fy: [SMALLEST, LARGEST, ZERO, TINY, -TINY][index % 5] for index, fy in enumerate(range(1950, 2101))
}

# code: (measure, Indicator fields, {fy: actual}). Measures are (policy number, measure number).
WIDE_INDICATORS = {
    LONG_CODE: (  # an actual in each of the 151 years, from the smallest value to the largest
        (32767, 32767),
        {
            "unit": fill(20, pattern=DRAWN),
            "direction": "increase",
            "baseline_fy": 1950,
            "baseline_value": SMALLEST,
            "target_fy": 2100,
            "target_value": LARGEST,
            "position": 32767,
        },
        EVERY_YEAR,
    ),
    "1": (  # a percentage from 0 to 100
        (1, 1),
        {"unit": "％", "direction": "increase", "baseline_fy": 1950, "baseline_value": ZERO}
        | {"target_fy": 2100, "target_value": Decimal(100)},
        {1950: ZERO, 2025: Decimal(100), 2100: Decimal(100)},
    ),
    "2": (  # a percentage over 100, lower is better, down to 0 (no 達成率: target ÷ 0)
        (1, 1),
        {"unit": "%", "may_exceed_100": True, "direction": "decrease", "baseline_fy": 1950}
        | {"baseline_value": LARGEST, "target_fy": 2100, "target_value": TINY},
        {2025: LARGEST, 2100: ZERO},
    ),
    "3": ((1, 1), {"unit": "人", "direction": "increase"}, {}),  # no baseline, no target, no actual
    "4": (  # one actual, no baseline, a target of 0 (no 達成率: ÷ 0)
        (1, 1),
        {"unit": "件", "direction": "increase", "target_fy": 2100, "target_value": ZERO},
        {2100: Decimal("9999999999")},
    ),
    "5": (  # the target equals the baseline; kept within the largest tolerance
        (1, 1),
        {"unit": "pt", "direction": "maintain", "tolerance": LARGEST, "baseline_fy": 1950}
        | {"baseline_value": Decimal(5), "target_fy": 2100, "target_value": Decimal(5)},
        {1950: SMALLEST, 2100: LARGEST},
    ),
    "6": (  # kept within the smallest tolerance of a target in the second year
        (1, 1),
        {"unit": "円", "direction": "maintain", "tolerance": TINY, "target_fy": 1951, "target_value": TINY},
        {1950: ZERO, 1951: TINY * 2, 2100: ZERO},
    ),
    "7": (  # a count, lower is better, from the largest down to the smallest step
        (1, 1),
        {"unit": "人", "direction": "decrease", "baseline_fy": 1950, "baseline_value": Decimal("9999999999")}
        | {"target_fy": 2000, "target_value": ZERO},
        {1950: Decimal("9999999999"), 2000: TINY},
    ),
    "8": (  # a baseline and actuals, no target
        (1, 1),
        {"unit": "回", "direction": "increase", "baseline_fy": 1950, "baseline_value": TINY},
        {2025: TINY, 2100: TINY},
    ),
    "9": (  # a negative target and no baseline: measured from the first actual
        (1, 1),
        {"unit": "円", "direction": "increase", "target_fy": 2100, "target_value": SMALLEST},
        {1950: LARGEST, 2100: SMALLEST},
    ),
    DIGITS_CODE: (  # a target in the last year and one actual in the first
        (32767, 1),
        {"unit": "団体", "direction": "increase", "target_fy": 2100, "target_value": Decimal("9999999999")},
        {1950: ZERO},
    ),
    "a": ((32767, 1), {"unit": "校区", "direction": "decrease"}, {2100: ZERO}),  # codes differing in case
    "A": ((32767, 1), {"unit": "校区", "direction": "decrease"}, {2100: Decimal("9999999999")}),
}

# The bands, from the highest minimum the column holds to the lowest and then the rest.
BAND_MINIMUMS = [BAND_LARGEST, 100000, 10000, 1000, 200, 150, Decimal("100.01"), 100, Decimal("99.99"), 80]
BAND_MINIMUMS += [50, Decimal("0.01"), 0, Decimal("-0.01"), -50, -100, -10000, Decimal("-999999.98")]
BAND_MINIMUMS += [BAND_SMALLEST, None]

ONE_YEAR_INDICATORS = {
    "1": ({"unit": "円", "target_value": TINY}, {2100: LARGEST}),  # 達成率 of 16 digits: the top band
    "2": ({"unit": "円", "target_value": LARGEST}, {2100: LARGEST}),  # 100 %
    "3": ({"unit": "円", "target_value": TINY}, {2100: SMALLEST}),  # below every minimum: the rest
    "4": ({"unit": "人", "direction": "decrease", "target_value": Decimal(5)}, {2100: ZERO}),  # met, ÷ 0
    "5": ({"unit": "人", "target_value": ZERO}, {2100: ZERO}),  # met, ÷ 0
    "6": ({"unit": "円", "target_value": ZERO}, {2100: Decimal(-1)}),  # not met, ÷ 0
    "7": ({"unit": "円", "target_fy": None, "target_value": None}, {2100: ZERO}),  # no target
    "8": (
        {"unit": "円", "direction": "maintain", "tolerance": LARGEST, "target_value": SMALLEST},
        {2100: ZERO},
    ),
    "9": ({"unit": "％", "may_exceed_100": True, "target_value": Decimal(100)}, {2100: LARGEST}),
    "10": ({"unit": "円", "baseline_value": SMALLEST, "target_value": LARGEST}, {2100: ZERO}),
    "11": ({"unit": "円", "target_value": LARGEST}, {}),  # no actual
}


def build_wide_plan(organisation: Organisation) -> Plan:
    plan = valid(
        Plan(
            slug=WIDE,
            title=fill(200, "計画 "),
            philosophy=fill(300, "理念 "),
            summary=fill(10_000, "概要 ", MULTILINE),
            start_fy=1950,
            end_fy=2100,
        )
    )
    policies = {
        number: valid(
            BasicPolicy(
                plan=plan, number=number, title=fill(200, f"方針{number} "), description=MULTILINE * 50
            )
        )
        for number in (1, 2, 32767)  # 2 has no measure
    }
    measures = {
        (policy, number): valid(
            Measure(
                policy=policies[policy],
                number=number,
                title=fill(200, f"取組{number} "),
                organisation=organisation,
            )
        )
        for policy, number in [(1, 1), (1, 2), (32767, 1), (32767, 32767)]  # 1-2 has no indicator
    }
    for code, (measure, fields, actuals) in WIDE_INDICATORS.items():
        indicator = valid(
            Indicator(
                plan=plan,
                measure=measures[measure],
                code=code,
                name=indicator_name(code),
                organisation=organisation,
                **fields,
            )
        )
        for fy, value in actuals.items():
            valid(IndicatorValue(indicator=indicator, fiscal_year=fy, value=value, note=fill(500, "備考 ")))
    for measure in measures.values():
        for fy in WIDE_YEARS:
            for section in ("initiatives", "issues"):
                for position, text in [
                    (1, fill(MAX_NARRATIVE_LENGTH, f"{fy} ", MULTILINE)),
                    (32767, "😀" * 2000),
                ]:
                    valid(
                        Narrative(
                            measure=measure, fiscal_year=fy, section=section, position=position, text=text
                        )
                    )
    about = plan.indicators.get(code="1")
    valid(
        Narrative(
            measure=about.measure,
            indicator=about,
            fiscal_year=2100,
            section="issues",
            position=0,
            text="※" + MULTILINE,
        )
    )
    return plan


def indicator_name(code: str) -> str:
    return fill(300, f"指標{code} ")


def correct_the_wide_plan(plan: Plan) -> None:
    """What a correction of FY2100 changes: a name, a target, a direction, an actual, a narrative."""
    indicator = plan.indicators.get(code="1")
    indicator.name = fill(300, "訂正後の指標1 ")
    indicator.target_value = Decimal("99.9999")
    indicator.may_exceed_100 = True
    indicator.direction = "maintain"
    indicator.tolerance = LARGEST
    valid(indicator)
    value = IndicatorValue.objects.get(indicator__plan=plan, indicator__code=LONG_CODE, fiscal_year=2100)
    value.value = SMALLEST
    valid(value)
    Narrative.objects.filter(measure__policy__plan=plan, fiscal_year=2100, position=32767).delete()


def build_one_year_plan() -> Plan:
    plan = valid(Plan(slug=ONE_YEAR, title="卍", start_fy=2100, end_fy=2100, grading_method="achievement"))
    bands = [(minimum, fill(4, f"{index}", DRAWN)) for index, minimum in enumerate(BAND_MINIMUMS)]
    assert len(bands) == MAX_BANDS and bands_problem("achievement", bands) is None  # as the admin checks
    for position, (minimum, mark) in enumerate(bands, start=1):
        valid(
            GradeBand(plan=plan, position=position, min_rate=minimum, mark=mark, label=fill(40, mark, DRAWN))
        )
    policy = valid(BasicPolicy(plan=plan, number=1, title="方"))
    measure = valid(Measure(policy=policy, number=1, title="取"))
    for code, (fields, actuals) in ONE_YEAR_INDICATORS.items():
        fields = {
            "direction": "increase",
            "baseline_fy": 1950,
            "baseline_value": ZERO,
            "target_fy": 2100,
        } | fields
        indicator = valid(
            Indicator(plan=plan, measure=measure, code=code, name=indicator_name(code), **fields)
        )
        for fy, value in actuals.items():
            valid(IndicatorValue(indicator=indicator, fiscal_year=fy, value=value))
    return plan


def build_first_year_plan() -> Plan:
    plan = valid(
        Plan(slug=FIRST_YEAR, title=fill(200), start_fy=1950, end_fy=1950, grading_method="achievement")
    )
    # The one band has no minimum and the mark and words of 評価対象外: nothing refuses it.
    valid(GradeBand(plan=plan, position=1, min_rate=None, mark="－", label="評価対象外"))
    twelve = valid(BasicPolicy(plan=plan, number=12, title=fill(200)))  # Ⅻ, the last Roman numeral
    thirteen = valid(BasicPolicy(plan=plan, number=13, title=fill(200)))  # written 13
    measure = valid(Measure(policy=twelve, number=1, title=fill(200)))
    for code, target in [("1", Decimal(100)), ("2", None)]:
        indicator = valid(
            Indicator(
                plan=plan,
                measure=measure,
                code=code,
                name=indicator_name(code),
                unit="％",
                direction="increase",
                target_fy=1950 if target else None,
                target_value=target,
            )
        )
        valid(IndicatorValue(indicator=indicator, fiscal_year=1950, value=Decimal(100)))
    valid(
        Narrative(
            measure=valid(Measure(policy=thirteen, number=1, title="取")),
            fiscal_year=1950,
            section="initiatives",
            text="=",
        )
    )
    return plan


@pytest.fixture(scope="module")
def extreme_plans(django_db_setup, django_db_blocker, tmp_path_factory):
    """The three plans, published and their files built once for the module, then rolled back."""
    from django.contrib.auth import get_user_model

    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("extreme-media")))
    media.enable()
    with django_db_blocker.unblock(), transaction.atomic():
        organisation = valid(Organisation(name=fill(100, "組織 ")))
        approver = make_staff(get_user_model(), "approver", fill(150, "承認 "), "承認者", organisation)
        wide = build_wide_plan(organisation)
        publish(wide, *WIDE_YEARS)
        correct_the_wide_plan(wide)
        publish_as(approver, wide, 2100, reason=fill(500, "訂正 ", HOSTILE.replace(" ", "_")))
        publish(build_one_year_plan(), 2100)
        publish(build_first_year_plan(), 1950)
        yield
        transaction.set_rollback(True)
    media.disable()


def publish_as(user, plan, fy, reason):
    from publications.artifacts import run_build
    from publications.publishing import publish as publish_year

    run_build(publish_year(user, plan, fy, reason=reason).build)


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder():
    """The module's files stay where extreme_plans built them (replaces the per-test folder of conftest)."""


# --- Reading each output back -----------------------------------------------------------------------------

VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class TagBalance(HTMLParser):
    """Every element closed, in order: no stored text opened or closed one."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:]}")
        else:
            self.open.pop()


def check_html(content: bytes, texts: list[str]) -> None:
    page = content.decode()
    parser = TagBalance()
    parser.feed(page)
    parser.close()
    assert parser.problems == [] and parser.open == []
    assert [text for text in texts if html.escape(text) not in page] == []
    assert "<b>&amp;" not in page  # the markup in the names is text, never markup


def check_json(content: bytes, names: list[str]) -> None:
    data = json.loads(content)
    if "plans" in data:  # the list of plans
        assert {plan["slug"] for plan in data["plans"]} >= set(PLANS)
        return
    schema = json.loads(
        (Path(settings.BASE_DIR) / "docs" / "api-plan.schema.json").read_text(encoding="utf-8")
    )
    jsonschema.validate(data, schema)
    shown_names = {
        item["name"] for policy in data["policies"] for m in policy["measures"] for item in m["indicators"]
    }
    assert [name for name in names if name not in shown_names] == []


def check_csv(content: bytes, texts: list[str]) -> None:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert rows[0][0] == "plan" and {len(row) for row in rows} == {len(rows[0])}
    for row in rows[1:]:
        Decimal(row[rows[0].index("value")])  # every value reads back as a number
    assert [name for name in texts if name not in {row[4] for row in rows}] == []


def check_xlsx(content: bytes, texts: list[str]) -> None:
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames[:2] == ["概要", "成果指標一覧"]
    cells = {
        cell for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row
    }
    # XML reads a carriage return back as a line feed
    assert [text for text in texts if text.replace("\r", "\n") not in cells] == []


def check_pdf(content: bytes, texts: list[str]) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 3  # the cover, the outline, the overview, then the policies
    assert reader.metadata.title.endswith("進捗状況報告書") and reader.trailer["/Root"]["/Lang"] == "ja"


def check_svg(content: bytes, texts: list[str]) -> None:
    root = ElementTree.fromstring(content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert [text for text in texts if text not in title.text] == []


def check_atom(content: bytes, texts: list[str]) -> None:
    root = ElementTree.fromstring(content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert [text for text in texts if text not in content.decode()] == []


CHECKS = {
    "html": check_html,
    "json": check_json,
    "csv": check_csv,
    "xlsx": check_xlsx,
    "pdf": check_pdf,
    "svg": check_svg,
    "atom": check_atom,
}


# --- Every public URL -------------------------------------------------------------------------------------


def title_of(slug: str) -> str:
    return {WIDE: fill(200, "計画 "), ONE_YEAR: "卍", FIRST_YEAR: fill(200)}[slug]


def policy_title(slug: str, number: int) -> str:
    return fill(200, f"方針{number} ") if slug == WIDE else "方" if slug == ONE_YEAR else fill(200)


def codes_of(slug: str) -> dict[str, int]:
    """{indicator code: its basic policy number}."""
    if slug == WIDE:
        return {code: measure[0] for code, (measure, _, _) in WIDE_INDICATORS.items()}
    if slug == ONE_YEAR:
        return dict.fromkeys(ONE_YEAR_INDICATORS, 1)
    return {"1": 12, "2": 12}


def name_at(slug: str, code: str, fy: int) -> str:
    if slug == WIDE and code == "1" and fy == 2100:
        return fill(300, "訂正後の指標1 ")
    return indicator_name(code)


def has_values(slug: str, code: str, fy: int) -> bool:
    """Whether the indicator has a line in the CSV at fy: a baseline, a target or an actual by then."""
    if slug == WIDE:
        _, fields, actuals = WIDE_INDICATORS[code]
    elif slug == ONE_YEAR:
        fields, actuals = ONE_YEAR_INDICATORS[code]
        fields = {"baseline_value": ZERO} | fields
    else:
        fields, actuals = {}, {1950: 100}
    return any(fields.get(name) is not None for name in ("baseline_value", "target_value")) or any(
        year <= fy for year in actuals
    )


PLANS = {WIDE: (WIDE_YEARS, [1, 2, 32767]), ONE_YEAR: ((2100,), [1]), FIRST_YEAR: ((1950,), [12, 13])}
PUBLICATIONS = {WIDE: ["1950-1", "2025-1", "2100-1", "2100-2"], ONE_YEAR: ["2100-1"], FIRST_YEAR: ["1950-1"]}


def public_urls():
    """(url, kind, texts it shows) for every public URL of the three plans."""
    yield "/", "html", [title_of(slug) for slug in PLANS]
    yield "/api/plans/", "json", []
    for slug, (years, policies) in PLANS.items():
        plan = f"/plans/{slug}"
        codes = codes_of(slug)
        for fy in [None, *years]:
            query = "" if fy is None else f"?fy={fy}"
            shown_fy = fy or years[-1]
            names = [name_at(slug, code, shown_fy) for code in codes]
            in_csv = [name_at(slug, code, shown_fy) for code in codes if has_values(slug, code, shown_fy)]
            yield f"{plan}/{query}", "html", [title_of(slug), *names]
            for number in policies:
                in_policy = [name_at(slug, c, shown_fy) for c, p in codes.items() if p == number]
                yield f"{plan}/policies/{number}/{query}", "html", [policy_title(slug, number), *in_policy]
            yield f"{plan}/indicators/{query}", "html", names
            for code in codes:
                name = name_at(slug, code, shown_fy)
                yield f"{plan}/indicators/{code}/{query}", "html", [name]
                yield f"{plan}/indicators/{code}/data.csv{query}", "csv", [name] if name in in_csv else []
                yield f"{plan}/indicators/{code}/chart.svg{query}", "svg", [name]
                yield f"{plan}/indicators/{code}/mini.svg{query}", "svg", [name]
            yield f"{plan}/grades.svg{query}", "svg", []
            yield f"{plan}/data.csv{query}", "csv", in_csv
            yield f"{plan}/report.xlsx{query}", "xlsx", [title_of(slug), *names]
            yield f"{plan}/report.pdf{query}", "pdf", []
            yield f"/api/plans/{slug}/{query}", "json", names
        last = f"?fy={years[-1]}"
        names = [name_at(slug, code, years[-1]) for code in codes]
        for sort in sorted(SORTABLE):
            yield f"{plan}/indicators/{last}&sort={sort}", "html", names
        for number in policies:
            yield f"{plan}/indicators/{last}&policy={number}", "html", []
        yield f"{plan}/indicators/{last}&measure={policies[0]}-1", "html", []
        yield f"{plan}/publications/", "html", [title_of(slug)]
        yield f"{plan}/publications.atom", "atom", []
        for key in PUBLICATIONS[slug]:
            fy = int(key.split("-")[0])
            names = [name_at(slug, code, fy) if key != "2100-1" else indicator_name(code) for code in codes]
            files = f"{plan}/publications/{key}"
            yield f"{files}/", "html", [title_of(slug)]
            yield (
                f"{files}/data.csv",
                "csv",
                [n for c, n in zip(codes, names, strict=True) if has_values(slug, c, fy)],
            )
            yield f"{files}/data.json", "json", names
            yield f"{files}/report.xlsx", "xlsx", [title_of(slug), *names]
            yield f"{files}/report.pdf", "pdf", []
            yield f"{files}/charts/grades.svg", "svg", []
            for code, name in zip(codes, names, strict=True):
                yield f"{files}/charts/{code}.svg", "svg", [name]
                yield f"{files}/charts/{code}-mini.svg", "svg", [name]
    for era, fy in [("S25", 1950), ("R82", 2100)]:  # a year as the commands read it
        yield f"/plans/{WIDE}/?fy={era}", "html", [name_at(WIDE, "3", fy)]


URLS = [pytest.param(url, kind, texts, id=url) for url, kind, texts in public_urls()]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "kind", "texts"), URLS)
def test_every_public_url_of_the_extreme_plans_answers_with_a_well_formed_document(
    client, extreme_plans, url, kind, texts
):
    response = client.get(url, follow=True)

    assert response.status_code == 200
    CHECKS[kind](b"".join(response) if response.streaming else response.content, texts)


@pytest.mark.django_db
def test_every_indicator_grade_of_the_banded_plan_filters_the_table(client, extreme_plans):
    keys = {key for key, _ in grade_keys(shown(Plan.objects.get(slug=ONE_YEAR)).rule).values()}

    statuses = {
        key: client.get(f"/plans/{ONE_YEAR}/indicators/?fy=2100&grade={key}").status_code for key in keys
    }

    assert len(keys) == MAX_BANDS + 1 and set(statuses.values()) == {200}


PREVIEWS = [
    f"/plans/{WIDE}/?fy=2099&preview=1",
    f"/plans/{WIDE}/policies/32767/?fy=2099&preview=1",
    f"/plans/{WIDE}/indicators/?fy=2099&preview=1",
    f"/plans/{WIDE}/indicators/{LONG_CODE}/?fy=2099&preview=1",
    f"/plans/{WIDE}/indicators/{LONG_CODE}/chart.svg?fy=2099&preview=1",
    f"/plans/{WIDE}/indicators/{LONG_CODE}/mini.svg?fy=2099&preview=1",
    f"/plans/{WIDE}/grades.svg?fy=2099&preview=1",
    f"/api/plans/{WIDE}/?fy=2099&preview=1",
    f"/plans/{ONE_YEAR}/grades.svg?preview=1",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PREVIEWS)
def test_a_staff_preview_of_a_year_not_yet_published_draws_the_extreme_drafts(
    client, django_user_model, extreme_plans, url
):
    client.force_login(
        django_user_model.objects.create_superuser(username="previewer", password="x-unused-1")
    )

    response = client.get(url)

    assert response.status_code == 200
    kind = "svg" if ".svg" in url else "json" if url.startswith("/api/") else "html"
    if kind == "json":
        json.loads(response.content)
    else:
        CHECKS[kind](response.content, [])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "fy"), [(WIDE, fy) for fy in WIDE_YEARS] + [(ONE_YEAR, 2100), (FIRST_YEAR, 1950)]
)
def test_export_report_writes_the_extreme_plans_report(extreme_plans, tmp_path, slug, fy):
    path = tmp_path / "report.xlsx"

    call_command("export_report", slug, "--fy", str(fy), "-o", str(path), stdout=io.StringIO())

    check_xlsx(path.read_bytes(), [title_of(slug), *(name_at(slug, code, fy) for code in codes_of(slug))])


@pytest.mark.django_db
def test_the_extreme_values_read_back_from_the_csv_and_the_json_as_they_were_entered(client, extreme_plans):
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/plans/{WIDE}/data.csv?fy=2025").content.decode("utf-8-sig")))
    )
    data = json.loads(client.get(f"/api/plans/{WIDE}/?fy=2025").content, parse_float=Decimal)

    actuals = {
        int(row["fiscal_year"]): Decimal(row["value"])
        for row in rows
        if row["code"] == LONG_CODE and row["kind"] == "actual"
    }
    assert actuals == {fy: value for fy, value in EVERY_YEAR.items() if fy <= 2025}
    indicator = next(
        item
        for policy in data["policies"]
        for measure in policy["measures"]
        for item in measure["indicators"]
        if item["code"] == LONG_CODE
    )
    assert {int(fy): Decimal(str(value)) for fy, value in indicator["actuals"].items()} == actuals
    assert (indicator["baseline"]["value"], indicator["target"]["value"]) == (SMALLEST, LARGEST)
    assert Publication.objects.filter(plan__slug=WIDE).count() == 4
