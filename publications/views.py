"""Public pages and downloads of a plan, every one rendered from a publication. Thin views: `public_page`
finds the publication asked for (one indexed query), answers a 304 when it can and otherwise loads the
publication's document; the views then render it. publications.middleware keeps the rendered pages.

Nothing here reads the working tables, except the staff preview (?preview=1), which renders the would-be
publication built from the drafts through the same code, marked as such and never cached publicly.
"""

import functools
import hashlib
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_tables2 import RequestConfig

from indicators.evaluation import grade_keys
from plans.fiscal_years import (
    ENDED,
    ONGOING,
    STATUS_LABELS,
    UPCOMING,
    fiscal_year_label,
    fiscal_year_of,
    requested_fiscal_year,
)
from plans.models import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, Plan
from publications import artifacts, changes, charts, drafts, minicharts, opendata
from publications import document as doc
from publications.carry_over import carry_over_groups
from publications.current import current_publications
from publications.models import SUCCESSOR, Publication
from publications.progress import PlanProgress, load
from publications.report_pdf import Publisher, build_pdf
from publications.tables import (
    SORT_CHOICES,
    SORTABLE,
    IndicatorTable,
    filter_rows,
    indicator_rows,
    offered_filters,
)

logger = logging.getLogger(__name__)

# Part of every page's cache key and ETag: bump it when a template or a view changes what a page shows.
PAGE_VERSION = "1"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"  # pages: served from a cache only after an ETag check
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)  # the JSON API's ?lang= values


class BadRequest(Exception):
    """A request the page cannot answer, with a message for the citizen who sent it."""


class NotPublished(Exception):
    """A year of the plan with no publication; the message lists the years that have one."""


def bad_request(request, message: str, api: bool = False):
    if api:
        return JsonResponse({"error": message}, status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "errors/bad_request.html", {"message": message}, status=400)


def not_found(request, message: str, api: bool = False):
    if api:
        return JsonResponse({"error": message}, status=404, json_dumps_params={"ensure_ascii": False})
    return render(request, "errors/not_found.html", {"message": message}, status=404)


def published_years_text(years) -> str:
    return pgettext("list separator", "、").join(fy_label(year) for year in years)


def requested_year(request, years: list[int], allowed: range | None = None) -> int:
    """?fy=2021 (or R3, 令和3年度: the commands' parser) among the years offered (the published ones); by
    default the latest of them."""
    text = request.GET.get("fy", "").strip()
    if not text:
        if not years:
            raise NotPublished(_("この計画はまだ公表されていません。"))
        return years[-1]
    try:
        fy = requested_fiscal_year(text[:40])
    except ValueError:  # the commands' message names the text; a page does not send it back
        raise BadRequest(
            _(
                "年度を読み取れません。%(first)s～%(last)s年度を、西暦（例: ?fy=2021）か"
                "和暦（例: ?fy=R3）で指定してください。"
            )
            % {"first": MIN_FISCAL_YEAR, "last": MAX_FISCAL_YEAR}
        ) from None
    if fy in years or (allowed is not None and fy in allowed):
        return fy
    if years:
        raise NotPublished(
            _("%(year)sの進捗状況はまだ公表されていません。公表している年度: %(years)s")
            % {"year": fy_label(fy), "years": published_years_text(years)}
        )
    raise NotPublished(_("この計画はまだ公表されていません。"))


def preview_user(request):
    """The staff member asking to preview drafts (?preview=1) on the public pages, or None."""
    if request.GET.get("preview") != "1":
        return None
    user = request.user
    wanted = user.is_authenticated and user.is_staff
    return user if wanted and user.has_perm("indicators.view_indicatorvalue") else None


@dataclass
class Page:
    """What a public page shows: a plan at a year, from its publication (or the drafts, in a preview)."""

    slug: str
    fy: int
    years: list[int]  # the years the year selector offers
    progress: PlanProgress
    publication: Publication | None  # None in a preview of a year not yet published
    preview: bool = False
    successor_id: int | None = None  # a plan that names this one as predecessor and has a publication

    @property
    def plan(self):
        return self.progress.plan

    @property
    def query(self) -> str:
        return f"fy={self.fy}&preview=1" if self.preview else f"fy={self.fy}"


def chart_urls(progress: PlanProgress, slug: str, publication: Publication | None) -> None:
    """Point each chart of the page at its file: the publication's (immutable), or (None: a preview) drawn live."""
    if publication is None:
        query = f"?fy={progress.fy}&preview=1"
        progress.grade_chart_url = reverse("public:grade_chart", args=[slug]) + query
        for row in progress.indicators:
            code = row.indicator.code
            row.chart_url = reverse("public:indicator_chart", args=[slug, code]) + query
            row.mini_chart_url = reverse("public:indicator_mini_chart", args=[slug, code]) + query
        return
    # The English page shows the English charts, built with the publication's other files (artifacts.english).
    shown = artifacts.english if translation.get_language() == "en" else str
    progress.grade_chart_url = publication_file_url(slug, publication, shown(artifacts.GRADES_CHART))
    for row in progress.indicators:
        code = row.indicator.code
        row.chart_url = publication_file_url(slug, publication, shown(artifacts.chart_name(code)))
        row.mini_chart_url = publication_file_url(
            slug, publication, shown(artifacts.chart_name(code, mini=True))
        )


def publication_file_url(slug: str, publication: Publication, name: str) -> str:
    return reverse("public:publication_file", args=[slug, publication.key, name])


def preview_page(request, user, slug: str) -> Page:
    plan = get_object_or_404(Plan, slug=slug)
    ids = Publication.objects.current_ids(slug)
    fy = requested_year(request, sorted(ids) or [plan.start_fy], allowed=plan.fiscal_years)
    current = Publication.objects.filter(pk=ids[fy]).select_related("plan").first() if fy in ids else None
    base = current.document() if current else None
    # Read back from its text, as a publication is, so that it compares with base number for number.
    document = doc.parse(doc.dumps(drafts.working_document(plan, fy, preview_for=user, base=base)))
    progress = load(document, base, preview=True)
    chart_urls(progress, slug, None)
    return Page(slug, fy, list(plan.fiscal_years), progress, current, preview=True)


def published_page(slug: str, fy: int, ids: dict[int, int], successor_id: int | None = None) -> Page:
    publication = Publication.objects.select_related("plan").get(pk=ids[fy])
    progress = load(publication.document())
    chart_urls(progress, slug, publication)
    return Page(slug, fy, sorted(ids), progress, publication, successor_id=successor_id)


def cleaned_params(request, params: dict) -> tuple:
    """The recognised parameters with an accepted value, for the cache key: anything else is left out, so it
    neither bypasses the cache nor adds an entry."""
    kept = []
    for name, accepted in params.items():
        value = request.GET.get(name, "")
        if value and (accepted is None or value in accepted):
            kept.append((name, value))
    return tuple(kept)


def recognised_query(request, params: dict, fy: int) -> QueryDict:
    """The query the view sees: the year as read (2021 for ?fy=R3) and the recognised parameters."""
    query = QueryDict(mutable=True)
    asked = str(fy) if request.GET.get("fy", "").strip() else ""
    for name, value in [("fy", asked), *cleaned_params(request, params)]:
        if value:
            query[name] = value
    query._mutable = False
    return query


@dataclass
class Published:
    """Which publications citizens see for a plan ({fy: (id, content SHA-256)}), and the year asked for."""

    versions: dict[int, tuple[int, str]]
    fy: int

    @property
    def ids(self) -> dict[int, int]:
        return {year: pk for year, (pk, _) in self.versions.items() if year != SUCCESSOR}

    @property
    def successor_id(self) -> int | None:
        """The id of the plan that names this one as its predecessor and has a publication, if any."""
        found = self.versions.get(SUCCESSOR)
        return found[0] if found else None


def published_state(request, slug: str) -> Published:
    """The one indexed lookup of a public request, or none where the process knows the answer (on
    PostgreSQL: publications.current); kept on the request for the page cache and the view. Raises Http404,
    BadRequest or NotPublished."""
    found = getattr(request, "_published_state", {})
    if slug not in found:
        versions = current_publications.versions(slug, Publication.objects.current_versions)
        if not versions and not Plan.objects.filter(slug=slug).exists():
            raise Http404
        years = sorted(year for year in versions if year != SUCCESSOR)
        found[slug] = Published(versions, requested_year(request, years))
        request._published_state = found
    return found[slug]


def page_key(request, name: str, slug: str, kwargs: dict, params: dict, api: bool) -> tuple[str, str]:
    """(cache key, ETag) of a public page: what it shows, by content (an id could come back after a
    restored backup), every published year (a newly published one changes each page's year selector), the
    view, its arguments and the recognised parameters with an accepted value; nothing else."""
    state = published_state(request, slug)
    parts = [
        PAGE_VERSION,
        name,
        slug,
        str(state.fy),
        json.dumps(sorted((year, digest) for year, (_, digest) in state.versions.items())),
        json.dumps(kwargs, sort_keys=True),
        json.dumps(cleaned_params(request, params)),
        request.get_host() if api else "",
        str(today_fiscal_year()),  # a plan's status (計画期間中, 終了) changes with the fiscal year
        translation.get_language(),  # the same page in Japanese and under /en/ in English
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"public-page:{digest}", f'"{digest[:32]}"'


def public_page(params: dict | None = None, api: bool = False):
    """For the views of one plan at one year. The view gets the Page. Its response carries an ETag (and a
    matching If-None-Match gets 304); `page_cache_key` tells publications.middleware where to keep it.
    `params`: {name: accepted values, or None for any value the view itself validates}."""
    params = params or {}

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, slug, **kwargs):
            try:
                user = preview_user(request)
                if user is not None:
                    response = view(request, preview_page(request, user, slug), **kwargs)
                    response["Cache-Control"] = "private, no-store"
                    return response
                state = published_state(request, slug)
                _key, etag = page_key(request, view.__name__, slug, kwargs, params, api)
            except BadRequest as error:
                return bad_request(request, str(error), api=api)
            except NotPublished as error:
                return not_found(request, str(error), api=api)
            if etag in request.headers.get("If-None-Match", ""):
                return not_modified(etag)
            # The page is drawn from what its key holds, so that nothing else (an unknown parameter echoed in
            # a link) reaches the page the cache serves to everyone.
            request.GET = recognised_query(request, params, state.fy)
            response = view(request, published_page(slug, state.fy, state.ids, state.successor_id), **kwargs)
            if response.status_code == 200:
                response["ETag"] = etag
                response["Cache-Control"] = REVALIDATE
            return response

        def page_cache_key(request, slug, **kwargs) -> tuple[str, str] | None:
            """(key, ETag) for publications.middleware, or None where the view answers otherwise (a preview,
            a year not published, a bad request): those are drawn, never cached."""
            if request.GET.get("preview") == "1":
                return None
            try:
                return page_key(request, view.__name__, slug, kwargs, params, api)
            except (Http404, BadRequest, NotPublished):
                return None

        wrapper.page_cache_key = page_cache_key
        return wrapper

    return decorator


def not_modified(etag: str) -> HttpResponse:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    return response


def published_successor(page: "Page") -> dict | None:
    """{slug, title} of the plan's published successor, as its latest publication names it; None when it
    has none. The plan row only finds the candidate (Published.successor_id, in the page's one lookup): the
    link appears once the successor's publication names this plan as its predecessor."""
    if page.successor_id is None:
        return None
    latest = Publication.objects.current(page.successor_id)
    document = latest.document() if latest else None
    if document and (document["predecessor"] or {}).get("slug") == page.slug:
        return {"slug": document["slug"], "title": document["title"], "title_en": document["title_en"]}
    return None


def today_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())


def fy_label(fy: int) -> str:
    """The fiscal year as the page's language writes it: 令和3年度（2021年度）, FY2021 (Reiwa 3)."""
    return fiscal_year_label(fy, translation.get_language())


def page_context(page: Page) -> dict:
    plan, fy = page.plan, page.fy
    publication = page.publication
    status = plan.status(today_fiscal_year())
    final_published = plan.end_fy in page.years and not page.preview
    return {
        "successor": published_successor(page),
        "carry_over_url": reverse("public:carry_over", args=[page.slug]) + f"?{page.query}"
        if page.progress.predecessor
        else None,
        "plan_status": status,
        "plan_status_label": STATUS_LABELS[status],
        "final_url": reverse("public:final", args=[page.slug]) + f"?fy={plan.end_fy}"
        if final_published
        else None,
        "final_page_url": reverse("public:final", args=[page.slug]) + f"?{page.query}",
        "plan": plan,
        "fy": fy,
        "fy_label": fy_label(fy),
        "fy_choices": [(year, fy_label(year)) for year in page.years],
        "preview": page.preview,
        "keep_params": [("preview", "1")] if page.preview else [],
        "query": page.query,
        "progress": page.progress,
        "keys": grade_keys(page.progress.rule),
        "publication": publication,
        "report_url": None if page.preview else reverse("public:report", args=[page.slug]) + f"?fy={fy}",
        "report_pdf_url": reverse("public:report_pdf", args=[page.slug])
        + f"?fy={fy}{'&preview=1' if page.preview else ''}",
        "history_url": reverse("public:publications", args=[page.slug]),
    }


# --- Pages -------------------------------------------------------------------------------------------------


def home(request):
    """The plan, when the site has one published plan; else the published plans by status: 計画期間中 first,
    then 開始前 and 終了, each newest first."""
    publications = list(Publication.objects.latest_per_plan())
    if len(publications) == 1:
        return plan_detail(request, publications[0].plan.slug)
    plans = sorted((doc.plan_view(p.document()) for p in publications), key=lambda p: (-p.start_fy, p.slug))
    finished = set(Publication.objects.with_last_year_published().values_list("plan__slug", flat=True))
    today = today_fiscal_year()
    groups = [
        (
            status,
            STATUS_LABELS[status],
            [(plan, plan.slug in finished) for plan in plans if plan.status(today) == status],
        )
        for status in (ONGOING, UPCOMING, ENDED)
    ]
    return render(request, "plans/list.html", {"groups": [group for group in groups if group[2]]})


@public_page()
def plan_detail(request, page):
    return render(request, "plans/detail.html", page_context(page))


@public_page()
def policy_detail(request, page, number):
    progress = page.progress.only_policy(number)
    if not progress.policies:
        return not_found(request, _("この基本方針はありません。"))
    return render(request, "plans/policy.html", page_context(page) | {"policy": progress.policies[0]})


@public_page()
def indicator_detail(request, page, code):
    progress = page.progress
    row = progress.find(code)
    if row is None:
        return not_found(request, _("この成果指標はありません。"))
    indicator = row.indicator
    context = page_context(page) | {
        "row": row,
        "indicator": indicator,
        "result": row.evaluation,
        "explanation": row.reason,
        "values": [
            {
                "kind": kind,
                "fy": year,
                "label": fy_label(year),
                "value": value,
                "draft": year in row.draft_years and kind == "actual",
            }
            for kind, year, value in opendata.value_rows(row)
        ],
        "chart_caption": chart_caption(row),
        "narratives": progress.measure_of(row).narratives_about(indicator),
    }
    return render(request, "plans/indicator.html", context)


def chart_caption(row) -> str:
    """What each mark of the indicator's chart means, as a sentence in the page's language."""
    indicator, result = row.indicator, row.evaluation
    parts = [_("色の棒は各年度の実績値")]
    if row.earlier_values():
        parts.append(_("濃い灰色の棒は前の計画の値で、点線の縦線から右がこの計画の期間"))
    if indicator.has_baseline:
        parts.append(_("灰色の棒は基準値"))
    if indicator.has_target:
        if result.projection is not None:
            parts.append(_("点線の棒は今の傾向が続いた場合の見込み"))
        parts.append(_("白い棒は目標値"))
        if indicator.interim_targets:
            parts.append(_("実線の段は年度ごとの目標値（年度目標）"))
        if result.reference is not None and result.actual is not None:
            parts.append(
                _("棒に重なる横線は期間の経過に応じた目安（基準から目標まで一定の割合で進んだ場合の値）")
            )
    # Translators: joins the parts of the chart's caption (in English "; ").
    joined = pgettext("caption parts", "、").join(parts)
    return _("%(parts)sです。数値は下の表のとおりです。") % {"parts": joined}


@public_page()
def final_evaluation(request, page):
    """最終評価 at the plan's last year; 中間評価 at an earlier published year (?fy=)."""
    progress = page.progress
    context = page_context(page) | {
        "final_scale": progress.final_scale,
        "count_rows": progress.final_count_rows(),
        "stage_label": _("最終評価") if progress.is_final else _("中間評価"),
    }
    return render(request, "plans/final.html", context)


@public_page()
def carry_over(request, page):
    """指標の引き継ぎ: the plan's indicators against its predecessor's (継続・見直し・新規・廃止)."""
    progress = page.progress
    if progress.predecessor is None:
        return not_found(request, _("この計画には前の計画がありません。"))
    context = page_context(page) | {
        "predecessor": progress.predecessor,
        "groups": carry_over_groups(progress),
    }
    return render(request, "plans/carry_over.html", context)


@public_page(params={"sort": SORTABLE, "policy": None, "measure": None, "grade": None})
def indicator_list(request, page):
    progress = page.progress
    keys = grade_keys(progress.rule)
    rows = indicator_rows(progress, keys)
    filters = {name: request.GET.get(name, "") for name in ("policy", "measure", "grade")}
    try:
        rows = filter_rows(rows, filters, offered_filters(progress, keys))
    except ValueError:
        return bad_request(request, _("絞り込みの条件は一覧から選んでください。"))
    table = IndicatorTable(rows)
    RequestConfig(request, paginate=False).configure(table)
    context = page_context(page) | {
        "table": table,
        "filters": filters,
        "grade_choices": [(key, grade) for grade, (key, _) in keys.items()],
        "sort": request.GET.get("sort", ""),
        "sort_choices": SORT_CHOICES,
    }
    return render(request, "plans/indicator_list.html", context)


# --- Charts: the publication's files; drawn live only for a staff preview ------------------------------


def indicator_chart(request, slug, code, mini=False):
    """A chart by its old address: the current publication's file (a redirect), or a preview's, drawn live."""
    user = preview_user(request)
    if user is None:
        return redirect_to_file(request, slug, artifacts.chart_name(code, mini), code)
    page = preview_page(request, user, slug)
    row = page.progress.find(code)
    if row is None:
        raise Http404
    scale = page.progress.grade_scale
    if mini:
        chart = minicharts.indicator_mini_chart(
            row.indicator, row.evaluation.grade, scale, row.actuals, page.fy
        )
        return svg_response(minicharts.mini_svg(chart), "private, no-store")
    return svg_response(charts.row_svg(row, page.progress), "private, no-store")


def grade_chart(request, slug):
    user = preview_user(request)
    if user is None:
        return redirect_to_file(request, slug, artifacts.GRADES_CHART)
    page = preview_page(request, user, slug)
    title = artifacts.grade_chart_title(page.fy)
    return svg_response(charts.grade_summary_svg(page.progress.counts, title), "private, no-store")


def redirect_to_file(request, slug: str, name: str, code: str | None = None):
    publication = current_publication_or_answer(request, slug, content=code is not None)
    if isinstance(publication, HttpResponse):
        return publication
    if code is not None and code not in doc.indicators_by_code(publication.document()):
        return not_found(request, _("この成果指標はありません。"))
    return HttpResponseRedirect(publication_file_url(slug, publication, name))


def svg_response(svg: str, cache_control: str) -> HttpResponse:
    response = HttpResponse(svg.encode("utf-8"), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = cache_control
    return response


def current_publication(request, slug: str, content: bool = False) -> Publication:
    """The publication citizens see for ?fy= (default: the latest published year); its content only if asked."""
    state = published_state(request, slug)
    found = Publication.objects.select_related("plan", "build")
    return (found if content else found.defer("content")).get(pk=state.ids[state.fy])


def current_publication_or_answer(request, slug: str, content: bool = False) -> Publication | HttpResponse:
    """The publication citizens see for ?fy=, or the answer to give instead (400 or 404, with a message)."""
    try:
        return current_publication(request, slug, content)
    except BadRequest as error:
        return bad_request(request, str(error))
    except NotPublished as error:
        return not_found(request, str(error))


def find_publication(slug: str, key: str) -> Publication:
    fy, _dash, number = key.partition("-")
    return get_object_or_404(
        Publication.objects.select_related("plan", "build").defer("content"),
        plan__slug=slug,
        fiscal_year=int(fy),
        number=int(number),
    )


def publication_file(request, slug, key, name):
    """A file of a publication, as built when it was published: the same bytes for ever."""
    if not any(name.endswith(ext) for ext in artifacts.CONTENT_TYPES):
        raise Http404
    publication = find_publication(slug, key)
    return file_response(request, publication, name, IMMUTABLE)


def file_response(request, publication: Publication, name: str, cache_control: str, filename: str = ""):
    """A file of the publication. A PDF opens in the browser (inline); the others download under filename."""
    data = artifacts.open_file(publication, name)
    if data is None and getattr(publication, "build", None) and publication.build.status == "done":
        return not_found(request, _("この公表には、このファイルはありません。"))
    if data is None:
        response = render(
            request,
            "errors/not_ready.html",
            {
                "message": _(
                    "このファイルは公表にあわせて作成しているところです。しばらくしてから、もう一度お試しください。"
                )
            },
            status=503,
        )
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
    content_type = next(t for ext, t in artifacts.CONTENT_TYPES.items() if name.endswith(ext))
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = cache_control
    response["ETag"] = f'"{publication.content_sha256[:32]}"'
    if filename:
        disposition = "inline" if name.endswith(".pdf") else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def download(request, slug, name: str, filename):
    publication = current_publication_or_answer(request, slug)
    if isinstance(publication, HttpResponse):
        return publication
    return file_response(request, publication, name, REVALIDATE, filename(publication))


def in_page_language(name: str) -> tuple[str, str]:
    """A report's file in the page's language, and the suffix of its download name: under /en/, the English
    report that the publication built beside the Japanese one."""
    return (artifacts.english(name), "-en") if translation.get_language() == "en" else (name, "")


def report_xlsx(request, slug):
    name, suffix = in_page_language(artifacts.REPORT_FILE)
    return download(request, slug, name, lambda p: f"{slug}-{p.fiscal_year}{suffix}.xlsx")


def report_pdf(request, slug):
    """The year's report as published; a staff preview (?preview=1) builds it from the drafts, marked 下書き.
    Under /en/, the English report."""
    user = preview_user(request)
    if user is None:
        name, suffix = in_page_language(artifacts.REPORT_PDF_FILE)
        return download(request, slug, name, lambda p: f"{slug}-{p.fiscal_year}-report{suffix}.pdf")
    try:
        page = preview_page(request, user, slug)
    except BadRequest as error:
        return bad_request(request, str(error))
    response = HttpResponse(
        build_pdf(page.progress, Publisher(timezone.localdate()), draft=True),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="{slug}-{page.fy}-report-draft.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def plan_csv(request, slug):
    return download(request, slug, artifacts.CSV_FILE, lambda p: f"{slug}-{p.fiscal_year}.csv")


def plan_evaluation_csv(request, slug):
    return download(
        request, slug, artifacts.EVALUATION_FILE, lambda p: f"{slug}-{p.fiscal_year}-evaluation.csv"
    )


def evaluation_columns(request):
    """The data dictionary (項目定義) of the evaluation CSV: the same for every plan and year."""
    response = HttpResponse(
        opendata.evaluation_dictionary_csv().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="evaluation-columns.csv"'
    response["Cache-Control"] = REVALIDATE
    return response


@public_page()
def indicator_csv(request, page, code):
    row = page.progress.find(code)
    if row is None:
        return not_found(request, _("この成果指標はありません。"))
    text = opendata.indicators_csv(page.progress, [row])
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{page.slug}-{code}-{page.fy}.csv"'
    return response


# --- Open data API ----------------------------------------------------------------------------------------


def api_plans(request):
    asked = request.GET.get("lang")
    language = asked if asked in LANGUAGES else translation.get_language()
    publications = Publication.objects.latest_per_plan()
    years: dict[str, set[int]] = {}
    for slug, fy in Publication.objects.order_by().values_list("plan__slug", "fiscal_year").distinct():
        years.setdefault(slug, set()).add(fy)
    plans = []
    for publication in sorted(publications, key=lambda p: p.plan.slug):
        document = publication.document()
        slug = publication.plan.slug
        plans.append(
            {
                "slug": slug,
                "title": document["title_en"]
                if language == "en" and document["title_en"]
                else document["title"],
                "title_en": document["title_en"],
                "start_fy": document["start_fy"],
                "end_fy": document["end_fy"],
                "published_years": sorted(years[slug]),
                "url": request.build_absolute_uri(reverse("public:api_plan", args=[slug])),
            }
        )
    return json_response({"plans": plans})


@public_page(params={"lang": LANGUAGES}, api=True)
def api_plan(request, page):
    """The publication's document: its texts in Japanese, or in English with ?lang=en (or under /en/)."""
    language = request.GET.get("lang") or translation.get_language()
    if page.preview:
        return json_response(page.progress.document)  # the drafts' document, numbers as the API writes them
    return HttpResponse(
        opendata.publication_json_text(page.publication, language).encode("utf-8"),
        content_type="application/json; charset=utf-8",
    )


def json_response(data) -> HttpResponse:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=doc.number)
    return HttpResponse(text.encode("utf-8"), content_type="application/json; charset=utf-8")


# --- 公表・訂正の履歴 ---------------------------------------------------------------------------------------


def publications_list(request, slug):
    """公表・訂正の履歴: every publication of the plan, newest first; each correction with what it changed."""
    plan = get_object_or_404(Plan, slug=slug)
    publications = list(Publication.objects.filter(plan=plan).order_by("-published_at", "-id"))
    if not publications:
        return not_found(request, _("この計画はまだ公表されていません。"))
    by_number = {(p.fiscal_year, p.number): p for p in publications}
    entries = []
    for publication in publications:
        previous = by_number.get((publication.fiscal_year, publication.number - 1))
        found = changes.changes_between(previous.document(), publication.document()) if previous else []
        superseded = (publication.fiscal_year, publication.number + 1) in by_number
        entries.append({"publication": publication, "changes": found, "superseded": superseded})
    context = {
        "plan": doc.plan_view(publications[0].document()),
        "report_pdf_name": in_page_language(artifacts.REPORT_PDF_FILE)[0],
        "entries": entries,
        "history_url": reverse("public:publications", args=[slug]),
    }
    return render(request, "publications/list.html", context)


def previous_of(publication: Publication) -> Publication | None:
    return (
        Publication.objects.filter(
            plan_id=publication.plan_id, fiscal_year=publication.fiscal_year, number__lt=publication.number
        )
        .order_by("-number")
        .first()
    )


def publication_detail(request, slug, key):
    fy, _dash, number = key.partition("-")
    publication = get_object_or_404(
        Publication.objects.select_related("plan"), plan__slug=slug, fiscal_year=int(fy), number=int(number)
    )
    previous = previous_of(publication)
    document = publication.document()
    found = changes.changes_between(previous.document() if previous else None, document)
    latest = Publication.objects.current(publication.plan, publication.fiscal_year)
    context = {
        "plan": doc.plan_view(document),
        "publication": publication,
        "previous": previous,
        "latest": latest,
        "changes": found,
        "files": [
            (
                reverse(
                    "public:publication_file",
                    args=[slug, key, in_page_language(artifacts.REPORT_PDF_FILE)[0]],
                ),
                _("進捗状況報告書（PDF形式）"),
            ),
            (
                reverse(
                    "public:publication_file", args=[slug, key, in_page_language(artifacts.REPORT_FILE)[0]]
                ),
                _("進捗状況報告書（Excel形式）"),
            ),
            *(
                [
                    (
                        reverse("public:publication_file", args=[slug, key, artifacts.REPORT_PDF_FILE]),
                        _("日本語の進捗状況報告書（PDF形式）"),
                    )
                ]
                if translation.get_language() == "en"
                else []
            ),
            (
                reverse("public:publication_file", args=[slug, key, artifacts.CSV_FILE]),
                _("成果指標の数値（CSV形式、UTF-8）"),
            ),
            (
                reverse("public:publication_file", args=[slug, key, artifacts.EVALUATION_FILE]),
                _("成果指標ごとの評価の一覧（CSV形式、UTF-8、日本語の見出し）"),
            ),
            (
                reverse("public:publication_file", args=[slug, key, artifacts.JSON_FILE]),
                _("計画全体のデータ（JSON形式）"),
            ),
        ],
        "page_url": reverse("public:detail", args=[slug]) + f"?fy={publication.fiscal_year}",
        "history_url": reverse("public:publications", args=[slug]),
    }
    return render(request, "publications/detail.html", context)
