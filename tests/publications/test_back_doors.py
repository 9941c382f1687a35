"""Only publishing changes what citizens see: no admin screen, no revert form, no import, for any role.

The world: the Kumamoto plan as `make run` loads it (FY2020 and FY2021 published, their files built);
熊本市 is responsible for measures 1-1 and 2-1 (indicators 1-1-1, 1-1-2, 2-1-1, 2-1-2), 熊本市社会福祉協議会
for 3-1; the 入力担当, the 承認者 and the 閲覧 user are each a member of 熊本市. In the tests about what citizens
see (fixture `public`), every public output is read as bytes by an anonymous visitor before the test does
anything, and read again, URL by URL, at its end.
"""

import io
import itertools
import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from initiatives.models import Narrative
from plans.models import BasicPolicy, GradeBand, Measure, Organisation, Plan
from publications.artifacts import run_build
from publications.models import ArtifactBuild, Publication
from tests.conftest import KUMAMOTO_PLAN_FILE
from tests.factories import make_staff

SLUG = "kumamoto-welfare-4"
PLAN = f"/plans/{SLUG}"
ROLES = ["入力担当", "承認者", "閲覧"]
PUBLISH_URL = "/admin/publications/publication/publish/"

# The crawl visits at most this many admin pages, and at most PER_PATTERN pages of one shape (the same path
# with its numbers left out: five narratives stand for all of them), so that it stays within seconds.
MAX_PAGES = 400
PER_PATTERN = 5
# Query parameters the crawl keeps: the plan and year of the entry and publish screens. Sorting, filtering
# and popup parameters of the change lists only show the same pages again.
KEPT_QUERY = ("plan", "fy")
SKIPPED_PATHS = ("/admin/logout/", "password_change", "/password/")


# --- Reading HTML as a browser does --------------------------------------------------------------------------


@dataclass
class Field:
    tag: str  # input, button, select, textarea
    type: str
    name: str
    value: str = ""
    checked: bool = False
    disabled: bool = False
    multiple: bool = False
    options: list[list] = field(default_factory=list)  # [value, selected] of a select


@dataclass
class Form:
    method: str
    action: str
    fields: list[Field] = field(default_factory=list)


class Html(HTMLParser):
    """The links, images and forms of a page (inputs, selects with their options, textareas, buttons)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.images: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: list | None = None
        self._option_text: list[str] = []
        self._textarea: Field | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "img" and a.get("src"):
            self.images.append(a["src"])
        elif tag == "form":
            self._form = Form((a.get("method") or "get").lower(), a.get("action") or "")
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button"):
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            self._form.fields.append(
                Field(tag, kind, a.get("name") or "", a.get("value") or "", "checked" in a, "disabled" in a)
            )
        elif tag == "select":
            self._select = Field(
                "select", "select", a.get("name") or "", disabled="disabled" in a, multiple="multiple" in a
            )
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._end_option()
            self._option = [a.get("value"), "selected" in a]
            self._option_text = []
        elif tag == "textarea":
            self._textarea = Field("textarea", "textarea", a.get("name") or "", disabled="disabled" in a)
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._option is not None:
            self._option_text.append(data)
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._end_option()
        elif tag == "select":
            self._end_option()
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]  # as browsers drop it
            self._textarea = None

    def _end_option(self):
        if self._option is not None and self._select is not None:
            if self._option[0] is None:
                self._option[0] = "".join(self._option_text).strip()
            self._select.options.append(self._option)
        self._option = None


def is_number(text: str) -> bool:
    try:
        Decimal(text.replace(",", ""))
    except InvalidOperation:
        return False
    return True


def changed_text(name: str, value: str) -> str:
    """Another value for a text or number input: a number plus one, text with 「改」 added, and for an empty
    input one that could be saved (a year of the plan, a position, an amount)."""
    if value == "":
        if "fiscal_year" in name or name.endswith("fy"):
            return "2022"
        if "position" in name or "number" in name or name.endswith("value"):
            return "9"
        return "改"
    if is_number(value):
        return str(Decimal(value.replace(",", "")) + 1)
    return value + "改"


def changed_data(form: Form, text_only: bool = False) -> dict[str, list]:
    """What a staff member who changes every field of form sends: numbers +1, text + 「改」, the next option
    of each select, every checkbox toggled, another radio button, a file that is not a workbook; hidden
    fields (the CSRF token, versions, formset counts) as they are, and the first named submit button.

    With text_only, only text is changed (+ 「改」) and everything else sent as it is: the second try at a
    form that refused the first one, so that a refused number or choice does not keep the text unsaved."""
    data: dict[str, list] = defaultdict(list)
    radios: dict[str, list[Field]] = defaultdict(list)
    submitted = False
    for f in form.fields:
        if not f.name or f.disabled or f.type == "reset":
            continue
        if f.tag == "select":
            values = [value for value, _ in f.options]
            selected = [value for value, chosen in f.options if chosen] or values[:1]
            if text_only or not values:
                data[f.name] += selected
            elif f.multiple:
                data[f.name] += sorted(set(selected) ^ {values[0]})
            else:
                data[f.name].append(values[(values.index(selected[-1]) + 1) % len(values)])
        elif f.tag == "textarea":
            data[f.name].append(f.value + "改")
        elif f.type in ("submit", "image", "button"):
            if not submitted:
                data[f.name].append(f.value)
                submitted = True
        elif f.type == "hidden":
            data[f.name].append(f.value)
        elif f.type in ("checkbox", "radio") and text_only:
            if f.checked:
                data[f.name].append(f.value or "on")
        elif f.type == "checkbox":
            if not f.checked:
                data[f.name].append(f.value or "on")
        elif f.type == "radio":
            radios[f.name].append(f)
        elif f.type == "file":
            data[f.name].append(SimpleUploadedFile("改.xlsx", b"not a workbook"))
        elif text_only:
            data[f.name].append(f.value if f.value == "" or is_number(f.value) else f.value + "改")
        else:
            data[f.name].append(changed_text(f.name, f.value))
    for name, group in radios.items():
        others = [f for f in group if not f.checked] or group
        data[name].append(others[0].value or "on")
    return dict(data)


def get_form_urls(page_url: str, form: Form) -> list[str]:
    """The pages a GET form with selects leads to, one per combination of options (the plan and year
    choosers of the entry and publish screens)."""
    selects = [f for f in form.fields if f.tag == "select" and f.name and f.options]
    if not selects:
        return []
    base = urljoin(page_url, form.action).split("?")[0]
    combinations = itertools.product(*[[(f.name, value) for value, _ in f.options] for f in selects])
    return [f"{base}?{urlencode(list(query))}" for query in itertools.islice(combinations, 12)]


def admin_url(page_url: str, href: str) -> str | None:
    """The admin page href leads to, with only the plan and year kept of its query; None for a page
    outside the admin, signing out or a password change."""
    parts = urlsplit(urljoin(page_url, href))
    if parts.netloc not in ("", "testserver") or not parts.path.startswith("/admin/"):
        return None
    if any(skipped in parts.path for skipped in SKIPPED_PATHS):
        return None
    query = [(key, value) for key, value in parse_qsl(parts.query) if key in KEPT_QUERY]
    return parts.path + (f"?{urlencode(query)}" if query else "")


def pattern_of(url: str) -> str:
    path, _, query = url.partition("?")
    return re.sub(r"\d+", "#", path) + "?" + query


def is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


# --- The world -------------------------------------------------------------------------------------------


@pytest.fixture
def world(kumamoto_plan, django_user_model, settings):
    # The page cache would answer the second reading from the first one's copy, hiding any change.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    # Publishing builds the files once the transaction commits, which a test's never does: build them here
    # unless the fixture already has.
    for build in ArtifactBuild.objects.exclude(status=ArtifactBuild.Status.DONE):
        run_build(build)
    # The plan file makes the plan theirs jointly and leaves assignment to the administrator, as done here.
    city = Organisation.objects.get(name="熊本市")
    council = Organisation.objects.get(name="熊本市社会福祉協議会")
    measures = {m.code: m for m in Measure.objects.select_related("policy")}
    for code, organisation in [("1-1", city), ("2-1", city), ("3-1", council)]:
        measures[code].organisation = organisation
        measures[code].save()
    users = {
        role: make_staff(django_user_model, f"staff-{number}", f"職員{number}", role, city)
        for number, role in enumerate(ROLES, start=1)
    }
    return SimpleNamespace(plan=kumamoto_plan, city=city, council=council, users=users, measures=measures)


def public_urls(plan) -> list[str]:
    """The public outputs of the plan: the home page, the plan, policy and indicator pages of both published
    years, the table, the CSV, the API, the Excel report and the history (read_public_outputs adds each
    publication's page, files and charts)."""
    urls = ["/", f"{PLAN}/?fy=2020", f"{PLAN}/?fy=2021", f"{PLAN}/indicators/", f"{PLAN}/data.csv?fy=2021"]
    urls += ["/api/plans/", f"/api/plans/{SLUG}/?fy=2020", f"/api/plans/{SLUG}/?fy=2021"]
    urls += [f"{PLAN}/report.xlsx?fy=2021", f"{PLAN}/publications/", f"{PLAN}/publications.atom"]
    for fy in (2020, 2021):
        urls += [f"{PLAN}/policies/{policy.number}/?fy={fy}" for policy in plan.policies.all()]
        for indicator in plan.indicators.all():
            urls += [f"{PLAN}/indicators/{indicator.code}/?fy={fy}"]
            urls += [f"{PLAN}/indicators/{indicator.code}/data.csv?fy={fy}"]
    return urls


def read_public_outputs(urls, discover: bool) -> dict[str, tuple[int, str, bytes]]:
    """{url: (status, content type, bytes)} as an anonymous visitor gets them. With discover, the charts
    (every <img src>) and the publications' pages and files (every link of the history) are read too."""
    anonymous = Client()
    queue, outputs = deque(urls), {}
    while queue:
        url = queue.popleft()
        if url in outputs:
            continue
        response = anonymous.get(url)
        outputs[url] = (response.status_code, response.get("Content-Type", ""), response.content)
        if discover and is_html(response):
            html = Html(response.content.decode())
            queue += html.images
            queue += [link for link in html.links if link.startswith(f"{PLAN}/publications/")]
    return outputs


@pytest.fixture
def public(world):
    """Every public output, as bytes, before the test does anything; `public.changed()` lists the URLs whose
    output is no longer the same."""
    before = read_public_outputs(public_urls(world.plan), discover=True)
    assert {url: status for url, (status, _, _) in before.items() if status != 200} == {}
    charts = sum("/charts/" in url for url in before)
    assert charts == 2 * (
        1 + 10
    )  # each year's grade chart and each indicator's chart (mini charts are inline)
    assert sum(url.endswith(("/report.xlsx", "/data.csv", "/data.json")) for url in before) >= 2 * 3

    def changed():
        after = read_public_outputs(list(before), discover=False)
        return [url for url in before if after[url] != before[url]]

    return SimpleNamespace(urls=list(before), changed=changed)


def working_data() -> dict[str, list[dict]]:
    """Every row of the working tables (the drafts), to see whether anything was changed at all."""
    models = [Plan, GradeBand, BasicPolicy, Measure, Organisation, Indicator, IndicatorValue, Narrative]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


# --- The crawl -------------------------------------------------------------------------------------------


@dataclass
class Crawl:
    """What one signed-in staff member reached: pages read, forms submitted, and every server error."""

    client: Client
    skip_posts: tuple[str, ...] = ()  # paths whose forms are not submitted
    pages: list[str] = field(default_factory=list)
    submitted: Counter = field(default_factory=Counter)  # form posts, by the shape of the page they were on
    reverts: Counter = field(default_factory=Counter)  # the answers to revert posts, by status code
    errors: list[str] = field(default_factory=list)  # "POST url → 500 IntegrityError: ..."

    def request(self, method: str, url: str, data=None):
        response = self.client.post(url, data) if method == "post" else self.client.get(url)
        if response.status_code >= 500:
            exc_info = getattr(response, "exc_info", None)
            cause = f"{exc_info[0].__name__}: {exc_info[1]}" if exc_info else response.content[:200]
            self.errors.append(f"{method.upper()} {url} → {response.status_code} {cause}")
        return response

    def read_pages(self) -> list[str]:
        """Breadth first from /admin/, following every admin link and every choice of the plan and year
        choosers; returns the pages holding a form to submit."""
        queue, seen, per_pattern, with_forms = deque(["/admin/"]), {"/admin/"}, Counter(), []
        while queue and len(self.pages) < MAX_PAGES:
            url = queue.popleft()
            response = self.request("get", url)
            if response.status_code != 200 or not is_html(response):
                continue
            self.pages.append(url)
            html = Html(response.content.decode())
            if self.post_forms(url, html):
                with_forms.append(url)
            found = [admin_url(url, href) for href in html.links]
            for form in html.forms:
                if form.method == "get":
                    found += [admin_url(url, choice) for choice in get_form_urls(url, form)]
            for link in found:
                if link and link not in seen and per_pattern[pattern_of(link)] < PER_PATTERN:
                    seen.add(link)
                    per_pattern[pattern_of(link)] += 1
                    queue.append(link)
        return with_forms

    def post_forms(self, url: str, html: Html) -> list[tuple[str, Form]]:
        """(where it posts, form) for every POST form of the page, but signing out and the skipped ones."""
        found = []
        for form in html.forms:
            target = urljoin(url, form.action)
            path = urlsplit(target).path
            if form.method != "post" or path in self.skip_posts:
                continue
            if any(skipped in path for skipped in SKIPPED_PATHS):
                continue
            found.append((target, form))
        return found

    def post(self, page_url: str, target: str, form: Form):
        """Submit form with every field changed and, if that was refused, again with only its text changed."""
        self.submitted[pattern_of(page_url)] += 1
        answer = self.request("post", target, changed_data(form))
        if answer.status_code not in (200, 500):
            return answer
        self.submitted[pattern_of(page_url)] += 1
        return self.request("post", target, changed_data(form, text_only=True))

    def submit(self, url: str) -> None:
        """Read url afresh and submit each of its forms with changed values; a new form in the answer (the
        confirmation of deleting the selected rows, an import's preview) is submitted too."""
        response = self.request("get", url)
        if response.status_code != 200 or not is_html(response):
            return  # deleted meanwhile
        for target, form in self.post_forms(url, Html(response.content.decode())):
            answer = self.post(url, target, form)
            if answer.status_code != 200 or not is_html(answer):
                continue
            names = {f.name for f in form.fields}
            for next_target, next_form in self.post_forms(target, Html(answer.content.decode())):
                if {f.name for f in next_form.fields} != names:
                    self.post(target, next_target, next_form)

    def revert(self, url: str, data: dict[str, str]) -> None:
        self.reverts[self.request("post", url, data).status_code] += 1


def revert_fields(record) -> dict[str, str]:
    """The fields of a recorded version (of an indicator, a value or a narrative) as its revert form has them."""
    fields = {}
    for f in record.instance._meta.concrete_fields:
        value = f.value_from_object(record.instance)
        if not f.primary_key and f.name != "version":
            fields[f.name] = "" if value is None else str(value)
    return fields


def revert_url(record) -> str:
    opts = record.instance._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{record.id}/history/{record.history_id}/"


def revert_everything(crawl: Crawl) -> int:
    """POST to the revert form of every recorded version of every indicator, value and narrative, with each
    field changed; returns how many. The first page of each model is read too, to see that it opens."""
    posted = 0
    for model in (Indicator, IndicatorValue, Narrative):
        for number, record in enumerate(model.history.order_by("history_id")):
            if number == 0:
                crawl.request("get", revert_url(record))
            fields = revert_fields(record)
            crawl.revert(
                revert_url(record), {name: changed_text(name, value) for name, value in fields.items()}
            )
            posted += 1
    return posted


def crawl_admin(user, skip_posts=()) -> tuple[Crawl, int]:
    """Everything user can reach in the admin, every form submitted with changed values, and every revert
    form posted; returns the crawl and how many revert forms were posted."""
    client = Client(raise_request_exception=False)  # a server error is recorded and the crawl goes on
    client.force_login(user)
    crawl = Crawl(client, tuple(skip_posts))
    with_forms = crawl.read_pages()
    # Deleting comes last (the delete confirmation pages, and the change lists' "delete selected"), so that
    # the rows are changed first and have versions to revert to.
    deleting = [url for url in with_forms if url.endswith("/delete/") or url.count("/") == 4]
    for url in [url for url in with_forms if url not in deleting]:
        crawl.submit(url)
    reverted = revert_everything(crawl)
    for url in deleting:
        crawl.submit(url)
    return crawl, reverted


# Forms each role submits at the least (the crawl submits about twice as many): fewer would mean that the
# crawl stopped reaching the screens it is meant to try.
MIN_FORMS = {"入力担当": 40, "承認者": 40, "閲覧": 25}
ROLE_IDS = ["entry-clerk", "approver", "viewer"]


def versions_count() -> int:
    return sum(model.history.count() for model in (Indicator, IndicatorValue, Narrative))


@pytest.mark.parametrize("role", ROLES, ids=ROLE_IDS)
def test_nothing_a_role_can_submit_in_the_admin_changes_what_citizens_see(
    world, public, role, record_property
):
    # import_plan writes a version of everything it creates, narratives included: each one to be reverted to.
    versions = versions_count()
    before = working_data()
    # Publishing is the one way that is meant to change what citizens see: the 承認者's publish screen is the
    # only form not submitted (for the other roles it is refused before it shows one).
    crawl, reverted = crawl_admin(world.users[role], skip_posts=[PUBLISH_URL] if role == "承認者" else [])

    submitted = sum(crawl.submitted.values())
    record_property("forms_submitted", submitted)
    print(
        f"{role}: {len(crawl.pages)} admin pages read, {submitted} forms submitted, {reverted} reverts posted"
    )
    assert public.changed() == []
    assert submitted >= MIN_FORMS[role]
    assert reverted >= versions == 10 + 20 + 46  # every indicator, value and narrative of the plan file
    assert crawl.reverts == Counter({403: reverted})
    if role == "閲覧":
        assert working_data() == before
    else:
        assert working_data() != before  # the crawl did change the drafts
    assert crawl.errors == [], "\n".join(crawl.errors)


# --- Each back door, by role -----------------------------------------------------------------------------


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def recorded_version(model):
    """The first row of model with a version in its history to revert to (the plan file writes narratives
    without one, so a save records it)."""
    obj = model.objects.order_by("pk").first()
    obj.save()
    return obj.history.order_by("-history_id").first()


def test_a_viewer_posting_to_the_revert_form_of_an_indicator_a_value_or_a_narrative_is_refused(world):
    client = signed_in(world.users["閲覧"])
    reverts = {
        Indicator: ("target_value", "200"),
        IndicatorValue: ("value", "50"),
        Narrative: ("text", "元の内容"),
    }
    records = {model: recorded_version(model) for model in reverts}
    before = working_data()

    statuses = {
        model.__name__: client.post(
            revert_url(record), revert_fields(record) | dict([reverts[model]])
        ).status_code
        for model, record in records.items()
    }

    assert statuses == {"Indicator": 403, "IndicatorValue": 403, "Narrative": 403}
    assert working_data() == before


def value_form(row, **changes) -> dict:
    return {
        "indicator": row.indicator_id,
        "fiscal_year": row.fiscal_year,
        "value": str(row.value),
        "note": row.note,
        "expected_version": Indicator.objects.get(pk=row.indicator_id).version,
    } | changes


def test_a_clerk_cannot_move_a_value_to_another_year_or_indicator_through_its_change_form(world):
    client = signed_in(world.users["入力担当"])
    value = IndicatorValue.objects.get(indicator__code="1-1-1", fiscal_year=2021)
    moves = {"fiscal_year": 2022, "indicator": Indicator.objects.get(code="1-1-2").pk}  # 熊本市's as well
    kept = {}

    for number, (field_name, moved_to) in enumerate(moves.items()):
        new_value = Decimal("93.5") + number
        response = client.post(
            change_url(value), value_form(value, value=new_value, **{field_name: moved_to})
        )
        value.refresh_from_db()
        # Saved (the new value is kept), but not moved: the posted year or indicator is no field of the form.
        kept[field_name] = (response.status_code, value.indicator.code, value.fiscal_year, value.value)

    assert kept == {
        "fiscal_year": (302, "1-1-1", 2021, Decimal("93.5")),
        "indicator": (302, "1-1-1", 2021, Decimal("94.5")),
    }


def narrative_form(narrative, **changes) -> dict:
    return {
        "measure": narrative.measure_id,
        "indicator": narrative.indicator_id or "",
        "fiscal_year": narrative.fiscal_year,
        "section": narrative.section,
        "position": narrative.position,
        "text": narrative.text,
    } | changes


def city_narratives():
    """The 2021 主な取組 of measure 1-1 (熊本市's), in order."""
    return Narrative.objects.filter(
        measure__policy__number=1, measure__number=1, fiscal_year=2021, section="initiatives"
    ).order_by("position")


def test_a_clerk_cannot_move_a_narrative_to_another_year_section_measure_or_indicator_through_its_change_form(
    world,
):
    client = signed_in(world.users["入力担当"])
    narrative = city_narratives()[0]
    identity = (narrative.measure_id, narrative.indicator_id, narrative.fiscal_year, narrative.section)
    moves = {
        "fiscal_year": 2020,
        "section": "issues",
        "measure": world.measures["2-1"].pk,  # 熊本市's as well
        "indicator": Indicator.objects.get(code="1-1-2").pk,
    }
    kept = {}

    for field_name, moved_to in moves.items():
        text = f"改めた内容（{field_name}）"
        response = client.post(
            change_url(narrative), narrative_form(narrative, text=text, **{field_name: moved_to})
        )
        narrative.refresh_from_db()
        now = (narrative.measure_id, narrative.indicator_id, narrative.fiscal_year, narrative.section)
        kept[field_name] = (response.status_code, narrative.text == text, now == identity)

    assert kept == {name: (302, True, True) for name in moves}  # the text saved, the row where it was


def test_a_narrative_given_a_position_already_taken_gets_a_message_rather_than_a_server_error(world):
    first, second = city_narratives()[:2]

    response = signed_in(world.users["入力担当"]).post(
        change_url(first), narrative_form(first, position=second.position)
    )

    assert response.status_code == 200
    assert "同じ取組・年度・区分に同じ順番の項目がすでにあります。" in response.content.decode()


def indicator_form(indicator, **changes) -> dict:
    return {
        "measure": indicator.measure_id,
        "organisation": indicator.organisation_id or "",
        "code": indicator.code,
        "position": indicator.position,
        "name": indicator.name,
        "unit": indicator.unit,
        "direction": indicator.direction,
        "baseline_fy": indicator.baseline_fy or "",
        "baseline_value": "" if indicator.baseline_value is None else indicator.baseline_value,
        "target_fy": indicator.target_fy or "",
        "target_value": "" if indicator.target_value is None else indicator.target_value,
        "tolerance": indicator.tolerance,
        "expected_version": indicator.version,
        "yearly_targets-TOTAL_FORMS": 0,
        "yearly_targets-INITIAL_FORMS": 0,
        "values-TOTAL_FORMS": 0,
        "values-INITIAL_FORMS": 0,
    } | changes


def bulk_url(plan, fy) -> str:
    return reverse("admin:indicators_indicatorvalue_bulk") + f"?plan={plan.pk}&fy={fy}"


def bulk_form(indicators, fy, **extra) -> dict:
    """The bulk screen's POST for indicators (in the screen's order): each one's value of fy plus one."""
    data = {"form-TOTAL_FORMS": len(indicators), "form-INITIAL_FORMS": len(indicators)}
    for number, indicator in enumerate(indicators):
        data |= {
            f"form-{number}-indicator_id": indicator.pk,
            f"form-{number}-version": indicator.version,
            f"form-{number}-value": str(indicator.values.get(fiscal_year=fy).value + 1),
            f"form-{number}-note": "",
        }
    return data | extra


def on_the_bulk_screen(plan):
    return list(Indicator.objects.filter(plan=plan).order_by("position", "code"))


TARGET = {"target_fy": 2030, "target_value": "150"}


def approver_posts(world) -> dict[str, tuple[str, dict]]:
    """(url, data) of every form through which a 承認者 might try to set TARGET on indicator 1-1-1."""
    indicator = Indicator.objects.get(code="1-1-1")
    value = indicator.values.get(fiscal_year=2021)
    record = indicator.history.order_by("-history_id").first()
    screen = on_the_bulk_screen(world.plan)
    in_bulk = {f"form-{screen.index(indicator)}-{name}": new for name, new in TARGET.items()}
    return {
        "indicator change form": (change_url(indicator), indicator_form(indicator, **TARGET)),
        "indicator add form": (
            reverse("admin:indicators_indicator_add"),
            indicator_form(indicator, code="1-1-9", **TARGET),
        ),
        "revert form": (revert_url(record), revert_fields(record) | TARGET),
        "value change form": (change_url(value), value_form(value, **TARGET)),
        "bulk entry": (bulk_url(world.plan, 2021), bulk_form(screen, 2021, **in_bulk)),
    }


def test_an_approver_without_the_change_permission_cannot_change_a_target_through_any_form(world):
    approver = world.users["承認者"]
    assert not approver.has_perm("indicators.change_indicator")
    assert not approver.has_perm("indicators.add_indicator")
    client = signed_in(approver)
    results = {}

    for form, (url, data) in approver_posts(world).items():
        status = client.post(url, data).status_code
        target = Indicator.objects.filter(code="1-1-1").values_list("target_fy", "target_value").get()
        results[form] = (status, target)

    unchanged = (2024, Decimal("100"))
    assert results == {
        "indicator change form": (403, unchanged),
        "indicator add form": (403, unchanged),
        "revert form": (403, unchanged),
        "value change form": (302, unchanged),  # the value is saved; a target is no field of the form
        "bulk entry": (302, unchanged),  # likewise
    }
    assert not Indicator.objects.filter(code="1-1-9").exists()


def viewer_posts(world) -> dict[str, tuple[str, dict]]:
    """(url, data) of a change to a draft (or a publication) through each form a 閲覧 user can open or name."""
    indicator = Indicator.objects.get(code="1-1-1")
    value = indicator.values.get(fiscal_year=2021)
    narrative = city_narratives()[0]
    return {
        "indicator change form": (change_url(indicator), indicator_form(indicator, name="変えた名前")),
        "value change form": (change_url(value), value_form(value, value="50")),
        "value add form": (
            reverse("admin:indicators_indicatorvalue_add"),
            {"indicator": indicator.pk, "fiscal_year": 2022, "value": "95", "note": ""},
        ),
        "value delete form": (
            reverse("admin:indicators_indicatorvalue_delete", args=[value.pk]),
            {"post": "yes"},
        ),
        "narrative change form": (change_url(narrative), narrative_form(narrative, text="変えた内容")),
        "narrative add form": (
            reverse("admin:initiatives_narrative_add"),
            narrative_form(narrative, fiscal_year=2022, text="新しい内容"),
        ),
        "measure change form": (
            change_url(world.measures["1-1"]),
            {
                "policy": world.measures["1-1"].policy_id,
                "number": 1,
                "title": "変えた取組",
                "organisation": "",
            },
        ),
        "bulk entry": (bulk_url(world.plan, 2021), bulk_form([indicator], 2021)),
        "publish screen": (
            PUBLISH_URL + f"?plan={world.plan.pk}&fy=2021",
            {"digest": "x", "reason": "訂正", "confirm": "on"},
        ),
    }


def test_a_viewer_can_change_nothing_through_any_form(world):
    client = signed_in(world.users["閲覧"])
    posts = viewer_posts(world)
    before = working_data(), list(Publication.objects.values_list("pk", flat=True))

    statuses = {form: client.post(url, data).status_code for form, (url, data) in posts.items()}

    assert statuses == dict.fromkeys(posts, 403)
    assert (working_data(), list(Publication.objects.values_list("pk", flat=True))) == before


def test_a_clerk_cannot_publish(world):
    # A draft that differs from what is published, so that only the permission can refuse.
    IndicatorValue.objects.filter(indicator__code="1-1-1", fiscal_year=2021).update(value=Decimal("99"))
    url = PUBLISH_URL + f"?plan={world.plan.pk}&fy=2021"

    response = signed_in(world.users["入力担当"]).post(
        url, {"digest": "x", "reason": "訂正", "confirm": "on"}
    )

    assert response.status_code == 403
    assert Publication.objects.count() == 2


# --- The entry screens and the plan file write drafts only ---------------------------------------------------


def test_saving_every_value_of_a_published_year_on_the_bulk_screen_changes_no_public_output(world, public):
    screen = on_the_bulk_screen(world.plan)

    response = signed_in(world.users["承認者"]).post(bulk_url(world.plan, 2021), bulk_form(screen, 2021))

    assert response.status_code == 302
    rate = IndicatorValue.objects.get(indicator__code="1-1-1", fiscal_year=2021)
    assert rate.value == Decimal("93.43")  # the draft was saved
    assert public.changed() == []


def filled_in(template: bytes) -> bytes:
    """The entry template with every indicator's value of the year set to last year's value plus one."""
    wb = openpyxl.load_workbook(io.BytesIO(template))
    sheet = wb["入力"]
    for row in sheet.iter_rows(min_row=5):
        row[5].value = (row[4].value or 0) + 1  # 今年度の値 = 前年度の値 + 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_confirming_an_excel_import_of_a_published_year_changes_no_public_output(world, public):
    client = signed_in(world.users["入力担当"])
    query = f"?plan={world.plan.pk}&fy=2021"
    template = client.get(reverse("admin:indicators_indicatorvalue_template") + query).content
    upload = client.post(
        reverse("admin:indicators_indicatorvalue_import") + query,
        {"file": SimpleUploadedFile("entry.xlsx", filled_in(template))},
    )
    token = re.search(r'name="entries" value="([^"]+)"', upload.content.decode()).group(1)

    response = client.post(
        reverse("admin:indicators_indicatorvalue_import") + query, {"confirm": "1", "entries": token}
    )

    assert response.status_code == 302
    rate = IndicatorValue.objects.get(indicator__code="1-1-1", fiscal_year=2021)
    assert rate.value == Decimal("92.8")  # 2020's 91.8 plus one, saved as a draft
    assert public.changed() == []


def test_importing_a_changed_plan_file_without_publish_changes_no_public_output(world, public, tmp_path):
    text = KUMAMOTO_PLAN_FILE.read_text(encoding="utf-8")
    changes = [
        ("title: 第４次熊本市地域福祉計画・地域福祉活動計画", "title: 第４次熊本市地域福祉計画（改訂）"),
        ("actuals: {2020: 91.8, 2021: 92.43}", "actuals: {2020: 91.8, 2021: 99, 2022: 99.5}"),
        ("target: {fy: 2024, value: 640}", "target: {fy: 2024, value: 700}"),
        ("市社協ホームページの充実を図り、情報発信を行った。", "市社協ホームページを改めた。"),
    ]
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    changed_file = tmp_path / "kumamoto_4th_plan.yaml"
    changed_file.write_text(text, encoding="utf-8")

    call_command("import_plan", str(changed_file), stdout=io.StringIO())

    assert Plan.objects.get(slug=SLUG).title == "第４次熊本市地域福祉計画（改訂）"
    assert IndicatorValue.objects.get(indicator__code="1-1-1", fiscal_year=2021).value == Decimal("99")
    assert Indicator.objects.get(code="1-1-2").target_value == Decimal("700")
    assert Narrative.objects.filter(text__startswith="市社協ホームページを改めた。").exists()
    assert public.changed() == []
