"""Yearly data entry by city staff: checking values and saving a year's values (drafts).

Every write here is one plainly named function in one transaction, and checks that the user is responsible
for what it writes (their organisation's indicators and measures), so that a crafted request can do no more
than the screens offer. Each saved row names its user for the history (django-simple-history's
`_history_user`), so the record is right whether the call comes from a request or from a command.
"""

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from indicators.evaluation import number_problem, value_problem
from indicators.models import Indicator, IndicatorValue, actual_year_problem
from plans.models import Plan


class EditConflict(Exception):
    """Someone else saved the same indicator after this user opened it; nothing was written."""


def parse_value(text, unit: str, may_exceed_100: bool = False) -> Decimal:
    """A value typed (or read from a cell) for an indicator with unit; ValidationError in Japanese if not.

    Full-width digits and signs (９５．５％, typed with the Japanese input method on), thousands separators and
    the indicator's own unit after the number are accepted.
    """
    shown_unit, unit = unit, unicodedata.normalize("NFKC", unit).strip()
    if isinstance(text, bool):
        raise ValidationError("数値を入力してください。")
    if isinstance(text, int | float | Decimal):
        value = Decimal(str(text))
    else:
        cleaned = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "")
        if unit and cleaned.endswith(unit):
            cleaned = cleaned[: -len(unit)].strip()
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(f"「{text}」は数値ではありません。数値だけを入力してください。") from None
    if not value.is_finite():
        raise ValidationError("数値を入力してください。")
    problem = number_problem(value) or value_problem(value, shown_unit, may_exceed_100)
    if problem:
        raise ValidationError(problem)
    return value


def check_fiscal_year(plan: Plan, fy: int) -> None:
    if not plan.contains_fiscal_year(fy):
        raise ValidationError(f"{fy}年度は計画期間（{plan.start_fy}～{plan.end_fy}年度）の外です。")


@dataclass
class ValueEntry:
    """One indicator's value for the year as entered: None leaves the year empty (deletes a draft)."""

    indicator_id: int
    value: Decimal | None
    note: str
    version: int  # the indicator's version when the form or template was made
    grade_note: str | None = None  # 評価の補足; None leaves it as it is (a template made before its column)


def latest_change(indicator: Indicator) -> str:
    return indicator.latest_change()


@transaction.atomic
def save_yearly_values(user, plan: Plan, fy: int, entries: list[ValueEntry]) -> int:
    """Save one fiscal year's values for several indicators, all or nothing; returns how many changed.

    The values become drafts: citizens see them only after a 承認者 publishes the year. An indicator someone else
    saved since the user's form was made (its version moved on) refuses the whole save with EditConflict.
    """
    check_fiscal_year(plan, fy)
    if not (
        user.has_perm("indicators.change_indicatorvalue") and user.has_perm("indicators.add_indicatorvalue")
    ):
        raise PermissionDenied("実績値を入力する権限がありません。")
    allowed = Indicator.objects.filter(plan=plan).responsible_for(user)
    indicators = {i.pk: i for i in allowed.filter(pk__in=[e.indicator_id for e in entries])}
    if len(indicators) != len({e.indicator_id for e in entries}):
        raise PermissionDenied("担当していない成果指標は入力できません。")
    refused = [
        f"{indicator.code} {indicator.name}: {problem}"
        for entry in entries
        if entry.value is not None
        and (problem := actual_year_problem(indicator := indicators[entry.indicator_id], fy))
    ]
    if refused:
        raise ValidationError(refused)
    existing = {
        v.indicator_id: v for v in IndicatorValue.objects.filter(indicator__in=indicators, fiscal_year=fy)
    }
    changed = 0
    conflicts = []
    for entry in entries:
        indicator = indicators[entry.indicator_id]
        current = existing.get(indicator.pk)
        if current is None and entry.value is None:
            continue
        grade_note = (
            entry.grade_note if entry.grade_note is not None else (current.grade_note if current else "")
        )
        if current is not None and (current.value, current.note, current.grade_note) == (
            entry.value,
            entry.note,
            grade_note,
        ):
            continue
        # Compare-and-set: only the session that read this version may write the next one.
        if not Indicator.objects.filter(pk=indicator.pk, version=entry.version).update(
            version=F("version") + 1
        ):
            conflicts.append(f"{indicator.code} {indicator.name}: {latest_change(indicator)}")
            continue
        changed += 1
        if entry.value is None:
            current._history_user = user
            current.delete()
            continue
        if current is None:
            current = IndicatorValue(indicator=indicator, fiscal_year=fy)
        current.value, current.note, current.grade_note = entry.value, entry.note, grade_note
        current._history_user = user
        current.save()
    if conflicts:
        raise EditConflict(conflicts)  # leaving the transaction by an exception rolls back what was written
    return changed
