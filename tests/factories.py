"""Small, explicit builders for test data: every value a test depends on is visible at the call site."""

from decimal import Decimal

from indicators.models import Indicator, IndicatorValue
from initiatives.models import Narrative
from plans.models import BasicPolicy, Measure, Plan


def make_plan(slug="test-plan", title="テスト計画", start_fy=2020, end_fy=2024, **fields) -> Plan:
    return Plan.objects.create(slug=slug, title=title, start_fy=start_fy, end_fy=end_fy, **fields)


def make_policy(plan, number=1, title="基本方針のテスト", **fields) -> BasicPolicy:
    return BasicPolicy.objects.create(plan=plan, number=number, title=title, **fields)


def make_measure(policy, number=1, title="取組のテスト") -> Measure:
    return Measure.objects.create(policy=policy, number=number, title=title)


def make_indicator(
    measure,
    code="1-1-1",
    name="テスト指標",
    unit="％",
    direction="increase",
    baseline=None,
    target=None,
    actuals=None,
    **fields,
) -> Indicator:
    """baseline and target are (fy, value) pairs; actuals is {fy: value}; values may be str or Decimal.

    The values are working data (drafts): citizens see them once the year is published (`publish()`)."""
    indicator = Indicator.objects.create(
        plan=measure.policy.plan,
        measure=measure,
        code=code,
        name=name,
        unit=unit,
        direction=direction,
        baseline_fy=baseline[0] if baseline else None,
        baseline_value=Decimal(str(baseline[1])) if baseline else None,
        target_fy=target[0] if target else None,
        target_value=Decimal(str(target[1])) if target else None,
        **fields,
    )
    for fy, value in (actuals or {}).items():
        value = Decimal(str(value))
        IndicatorValue.objects.create(indicator=indicator, fiscal_year=fy, value=value)
    return indicator


def make_narrative(
    measure,
    fiscal_year=2020,
    section="initiatives",
    position=1,
    text="取組の内容",
    indicator=None,
):
    return Narrative.objects.create(
        measure=measure,
        indicator=indicator,
        fiscal_year=fiscal_year,
        section=section,
        position=position,
        text=text,
    )


def publish(plan, *years, reason="", user=None):
    """Publish the given fiscal years of plan (each year with actuals, if none are given), as a 承認者 would,
    and build their files as the task does once the transaction commits; returns the publications made. A
    year already published needs reason (a correction)."""
    from publications.artifacts import run_build
    from publications.publishing import publish as publish_year
    from publications.publishing import publish_years_with_actuals

    if not years:
        publications = publish_years_with_actuals(plan, note="テストのための公表")
    else:
        publications = [publish_year(user, plan, fy, reason=reason) for fy in years]
    for publication in publications:
        run_build(publication.build)
    return publications


def make_staff(django_user_model, username, last_name, role, organisation=None):
    """A staff member in one of the groups the migration creates, optionally a member of an organisation."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username=username, last_name=last_name, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    if organisation is not None:
        organisation.members.add(user)
    return user


def violates_constraint(create) -> bool:
    """Whether the database refuses what create() writes (an IntegrityError, rolled back on its own)."""
    from django.db import IntegrityError, transaction

    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def shown(plan, fy=None):
    """The PlanProgress citizens see for plan at fy (its latest publication): what every public output reads."""
    from publications.models import Publication
    from publications.progress import load

    publication = Publication.objects.current(plan, fy)
    return load(publication.document())


def empty_page_caches():
    """Forget every kept public page: in this process and in the shared cache."""
    from django.core.cache import caches

    from publications.middleware import process_pages

    caches["default"].clear()
    process_pages.clear()
