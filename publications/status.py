"""Where each plan's yearly work stands, for the admin index: values entered, drafts waiting, last publication."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q

from indicators.models import Indicator, IndicatorValue
from initiatives.models import Narrative
from plans.fiscal_years import fiscal_year_label
from plans.models import Plan
from publications.models import Publication


def fiscal_year_of(day: date) -> int:
    """The Japanese fiscal year (April to March) a day falls in."""
    return day.year if day.month >= 4 else day.year - 1


@dataclass
class YearStatus:
    fy: int
    label: str
    values_entered: int
    indicators: int
    narratives: int
    publication: Publication | None
    has_drafts: bool  # working data changed since the year's latest publication (or never published)


@dataclass
class PlanStatus:
    plan: Plan
    years: list[YearStatus]
    without_organisation: int  # indicators nobody is responsible for: neither they nor their measure name one


def plan_statuses(today: date) -> list[PlanStatus]:
    """Each plan, with each of its years up to the current fiscal year (the latest first)."""
    current = fiscal_year_of(today)
    statuses = []
    for plan in Plan.objects.order_by("-start_fy", "slug"):
        indicators = Indicator.objects.filter(plan=plan).count()
        years = [fy for fy in plan.fiscal_years if fy <= current] or [plan.start_fy]
        values = dict(
            IndicatorValue.objects.filter(indicator__plan=plan)
            .values_list("fiscal_year")
            .annotate(count=Count("pk"))
        )
        narratives = dict(
            Narrative.objects.filter(measure__policy__plan=plan)
            .values_list("fiscal_year")
            .annotate(count=Count("pk"))
        )
        year_statuses = []
        for fy in reversed(years):
            publication = Publication.objects.current(plan, fy)
            year_statuses.append(
                YearStatus(
                    fy=fy,
                    label=fiscal_year_label(fy),
                    values_entered=values.get(fy, 0),
                    indicators=indicators,
                    narratives=narratives.get(fy, 0),
                    publication=publication,
                    has_drafts=_changed_since(plan, fy, publication),
                )
            )
        unassigned = Indicator.objects.filter(
            plan=plan, organisation__isnull=True, measure__organisation__isnull=True
        ).count()
        statuses.append(PlanStatus(plan, year_statuses, unassigned))
    return statuses


@dataclass(frozen=True)
class YearWork:
    """Where a plan's yearly work is: the year the entry and publish screens open at, and the years with drafts."""

    fy: int
    draft_years: tuple[int, ...]


def year_work(plan: Plan) -> YearWork:
    """The latest year with drafts waiting; else the year after the last publication (within the plan)."""
    drafts = tuple(
        fy for fy in plan.fiscal_years if _changed_since(plan, fy, Publication.objects.current(plan, fy))
    )
    if drafts:
        return YearWork(drafts[-1], drafts)
    last = Publication.objects.filter(plan=plan).aggregate(last=Max("fiscal_year"))["last"]
    return YearWork(plan.start_fy if last is None else min(last + 1, plan.end_fy), ())


def _changed_since(plan: Plan, fy: int, publication: Publication | None) -> bool:
    """Whether a value or narrative of the year was entered, changed or deleted after its publication."""
    values = IndicatorValue.history.filter(indicator__plan=plan, fiscal_year=fy)
    narratives = Narrative.history.filter(measure__policy__plan=plan, fiscal_year=fy)
    if publication is None:
        return values.exists() or narratives.exists()
    after = Q(history_date__gt=publication.published_at)
    return values.filter(after).exists() or narratives.filter(after).exists()
