"""Yearly data entry by city staff: checking values, saving a year's values, publishing, history.

Every write here is one plainly named function in one transaction, and checks that the user is responsible
for what it writes (their organisation's indicators and measures), so that a crafted request can do no more
than the screens offer.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from indicators.models import Indicator, IndicatorValue
from initiatives.models import Narrative
from plans.models import Plan

PERCENT_UNITS = {"％", "%"}
# Units of things counted: a negative number of them is a typing error.
COUNT_UNITS = {
    "人",
    "回",
    "箇所",
    "校区",
    "件",
    "団体",
    "か所",
    "カ所",
    "所",
    "世帯",
    "校",
    "店",
    "事業所",
    "施設",
    "名",
}
MAX_DECIMAL_PLACES = 4
MAX_INTEGER_DIGITS = 10


class EditConflict(Exception):
    """Someone else saved the same indicator after this user opened it; nothing was written."""


def parse_value(text, unit: str) -> Decimal:
    """A value typed (or read from a cell) for an indicator with unit; ValidationError in Japanese if not."""
    if isinstance(text, bool):
        raise ValidationError("数値を入力してください。")
    if isinstance(text, int | float | Decimal):
        value = Decimal(str(text))
    else:
        cleaned = str(text).strip().replace(",", "").replace("，", "")
        if cleaned.endswith(unit) and unit:
            cleaned = cleaned[: -len(unit)].strip()
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValidationError(f"「{text}」は数値ではありません。数値だけを入力してください。") from None
    if not value.is_finite():
        raise ValidationError("数値を入力してください。")
    _sign, digits, exponent = value.normalize().as_tuple()
    if exponent < -MAX_DECIMAL_PLACES:
        raise ValidationError(f"小数点以下は{MAX_DECIMAL_PLACES}桁までで入力してください。")
    if (
        len(digits) + min(exponent, 0) > MAX_INTEGER_DIGITS + MAX_DECIMAL_PLACES
        or value.adjusted() >= MAX_INTEGER_DIGITS
    ):
        raise ValidationError("数値が大きすぎます。")
    if value < 0 and (unit in COUNT_UNITS or unit in PERCENT_UNITS):
        raise ValidationError(f"{unit}の値は0以上で入力してください。")
    if unit in PERCENT_UNITS and value > 100:
        raise ValidationError("割合（％）は100以下で入力してください。")
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


def latest_change(indicator: Indicator) -> str:
    return indicator.latest_value_change()


@transaction.atomic
def save_yearly_values(user, plan: Plan, fy: int, entries: list[ValueEntry]) -> int:
    """Save one fiscal year's values for several indicators, all or nothing; returns how many changed.

    The values become drafts: citizens see them only after a 承認者 publishes them. An indicator someone else
    saved since the user's form was made (its version moved on) refuses the whole save with EditConflict.
    """
    check_fiscal_year(plan, fy)
    allowed = Indicator.objects.filter(plan=plan).responsible_for(user)
    indicators = {i.pk: i for i in allowed.filter(pk__in=[e.indicator_id for e in entries])}
    if len(indicators) != len({e.indicator_id for e in entries}):
        raise PermissionDenied("担当していない成果指標は入力できません。")
    if not user.has_perm("indicators.change_indicatorvalue") or not user.has_perm(
        "indicators.add_indicatorvalue"
    ):
        raise PermissionDenied("実績値を入力する権限がありません。")
    existing = {
        v.indicator_id: v for v in IndicatorValue.objects.filter(indicator__in=indicators, fiscal_year=fy)
    }
    changed = 0
    conflicts = []
    for entry in entries:
        indicator = indicators[entry.indicator_id]
        current = existing.get(indicator.pk)
        if current is not None and (current.value, current.note) == (entry.value, entry.note):
            continue
        if current is None and entry.value is None:
            continue
        # Compare-and-set: only the session that read this version may write the next one.
        if not Indicator.objects.filter(pk=indicator.pk, version=entry.version).update(
            version=F("version") + 1
        ):
            conflicts.append(f"{indicator.code} {indicator.name}: {latest_change(indicator)}")
            continue
        changed += 1
        if entry.value is None:
            if current.published_value is not None:
                raise ValidationError(
                    f"{indicator.code}: 公開済みの値は空欄にできません。承認者に連絡してください。"
                )
            current.delete()
        elif current is None:
            IndicatorValue.objects.create(
                indicator=indicator, fiscal_year=fy, value=entry.value, note=entry.note
            )
        else:
            current.value, current.note = entry.value, entry.note
            current.save(update_fields=["value", "note"])
    if conflicts:
        raise EditConflict(conflicts)  # leaving the transaction by an exception rolls back what was written
    return changed


@dataclass
class Drafts:
    values: list[IndicatorValue]
    narratives: list[Narrative]


def drafts(user, plan: Plan, fy: int) -> Drafts:
    """The values and narratives of fiscal year fy that differ from what citizens see, that user may see."""
    values = (
        IndicatorValue.objects.filter(indicator__plan=plan, fiscal_year=fy)
        .responsible_for(user)
        .select_related("indicator")
        .order_by("indicator__position", "indicator__code")
    )
    narratives = (
        Narrative.objects.filter(measure__policy__plan=plan, fiscal_year=fy)
        .responsible_for(user)
        .select_related("measure__policy", "indicator")
        .order_by("measure__policy__number", "measure__number", "section", "position")
    )
    return Drafts([v for v in values if v.is_draft], [n for n in narratives if n.is_draft])


@transaction.atomic
def publish(user, plan: Plan, fy: int, indicator_ids: list[int] | None = None) -> tuple[int, int]:
    """Publish fiscal year fy's drafts: all of them, or those of the given indicators (and of narratives
    about them). Returns (values published, narratives published). Only 承認者 may publish.
    """
    if not user.has_perm("indicators.publish_indicatorvalue"):
        raise PermissionDenied("公開する権限がありません。")
    check_fiscal_year(plan, fy)
    pending = drafts(user, plan, fy)
    values, narratives = pending.values, pending.narratives
    if indicator_ids is not None:
        chosen = set(indicator_ids)
        values = [v for v in values if v.indicator_id in chosen]
        narratives = [n for n in narratives if n.indicator_id in chosen]
    now = timezone.now()
    for value in values:
        value.published_value, value.published_at = value.value, now
        value.save(update_fields=["published_value", "published_at"])
    for narrative in narratives:
        narrative.published_text, narrative.published_at = narrative.text, now
        narrative.save(update_fields=["published_text", "published_at"])
    return len(values), len(narratives)


@dataclass
class Change:
    when: object
    who: str
    what: str
    before: str
    after: str


def indicator_history(indicator: Indicator) -> list[Change]:
    """Every recorded change to the indicator (baseline, target, …), its values and narratives, newest first."""
    changes: list[Change] = []
    for record in indicator.history.select_related("history_user").order_by("history_date"):
        previous = record.prev_record
        if previous is None:
            changes.append(_change(record, "成果指標を登録", "", indicator.name))
            continue
        for field_change in record.diff_against(previous).changes:
            if field_change.field == "version":
                continue
            label = Indicator._meta.get_field(field_change.field).verbose_name
            changes.append(_change(record, str(label), _shown(field_change.old), _shown(field_change.new)))
    for record in IndicatorValue.history.filter(indicator_id=indicator.pk).select_related("history_user"):
        previous = record.prev_record
        what = f"{record.fiscal_year}年度の実績値"
        if record.history_type == "-":
            changes.append(_change(record, what, _shown(record.value), "（削除）"))
        elif previous is None:
            changes.append(_change(record, what, "（なし）", _shown(record.value)))
        else:
            for field_change in record.diff_against(previous).changes:
                name = {"value": "", "note": "の備考", "published_value": "（公開）"}.get(field_change.field)
                if name is not None:
                    changes.append(
                        _change(record, what + name, _shown(field_change.old), _shown(field_change.new))
                    )
    narratives = Narrative.history.filter(indicator_id=indicator.pk).select_related("history_user")
    for record in narratives:
        previous = record.prev_record
        what = f"{record.fiscal_year}年度の{dict(Narrative.Section.choices)[record.section]}"
        if record.history_type == "-":
            changes.append(_change(record, what, record.text, "（削除）"))
        elif previous is None:
            changes.append(_change(record, what, "（なし）", record.text))
        elif previous.text != record.text:
            changes.append(_change(record, what, previous.text, record.text))
        elif previous.published_text != record.published_text:
            changes.append(
                _change(
                    record, what + "（公開）", previous.published_text or "（未公開）", record.published_text
                )
            )
    return sorted(changes, key=lambda change: change.when, reverse=True)


def _shown(value) -> str:
    return "（なし）" if value in (None, "") else str(value)


def _change(record, what: str, before: str, after: str) -> Change:
    user = record.history_user
    who = (user.get_full_name() or user.username) if user else "（計画ファイルの読み込みなど）"
    return Change(record.history_date, who, what, before, after)
