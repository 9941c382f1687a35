"""Yearly data entry by city staff: checking values, saving a year's values, publishing, history.

Every write here is one plainly named function in one transaction, and checks that the user is responsible
for what it writes (their organisation's indicators and measures), so that a crafted request can do no more
than the screens offer. Each saved row names its user for the history (django-simple-history's
`_history_user`), so the record is right whether the call comes from a request or from a command.
"""

import hashlib
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from indicators.models import Indicator, IndicatorValue, display_name
from initiatives.models import Narrative
from plans.models import Plan

PERCENT_UNITS = {"%"}  # after NFKC normalisation, which folds the full-width ％
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
REVIEW_SALT = "initiatives.entry.review"


class EditConflict(Exception):
    """Someone else saved the same indicator after this user opened it; nothing was written."""


def parse_value(text, unit: str) -> Decimal:
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
    if value != 0 and value.normalize().as_tuple().exponent < -MAX_DECIMAL_PLACES:
        raise ValidationError(f"小数点以下は{MAX_DECIMAL_PLACES}桁までで入力してください。")
    if value != 0 and value.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValidationError("数値が大きすぎます。")
    if value < 0 and (unit in COUNT_UNITS or unit in PERCENT_UNITS):
        raise ValidationError(f"{shown_unit}の値は0以上で入力してください。")
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
    return indicator.latest_change()


@transaction.atomic
def save_yearly_values(user, plan: Plan, fy: int, entries: list[ValueEntry]) -> int:
    """Save one fiscal year's values for several indicators, all or nothing; returns how many changed.

    The values become drafts: citizens see them only after a 承認者 publishes them. An indicator someone else
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
        if current is not None and (current.value, current.note) == (entry.value, entry.note):
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
            current._history_user = user
            current.delete()
            continue
        if current is None:
            current = IndicatorValue(indicator=indicator, fiscal_year=fy)
        current.value, current.note = entry.value, entry.note
        current._history_user = user
        current.save()
    if conflicts:
        raise EditConflict(conflicts)  # leaving the transaction by an exception rolls back what was written
    return changed


@dataclass
class Drafts:
    values: list[IndicatorValue]
    narratives: list[Narrative]

    def review_token(self) -> str:
        """What the 承認者 was shown, signed: publish() publishes only items still as they were then."""
        return signing.dumps(
            {
                "values": [[v.pk, str(v.value)] for v in self.values],
                "narratives": [[n.pk, _digest(n.text)] for n in self.narratives],
            },
            salt=REVIEW_SALT,
            compress=True,
        )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def drafts(user, plan: Plan, fy: int) -> Drafts:
    """The values and narratives of fiscal year fy that differ from what citizens see, that user may see."""
    values = (
        IndicatorValue.objects.filter(indicator__plan=plan, fiscal_year=fy)
        .responsible_for(user)
        .select_related("indicator__organisation", "indicator__measure__organisation")
        .order_by("indicator__position", "indicator__code")
    )
    narratives = (
        Narrative.objects.filter(measure__policy__plan=plan, fiscal_year=fy)
        .responsible_for(user)
        .select_related("measure__policy", "measure__organisation", "indicator")
        .order_by("measure__policy__number", "measure__number", "section", "position")
    )
    return Drafts([v for v in values if v.is_draft], [n for n in narratives if n.is_draft])


@dataclass
class Published:
    values: int
    narratives: int
    changed_since_review: int  # drafts changed after the 承認者 looked at them: left unpublished


@transaction.atomic
def publish(
    user, plan: Plan, fy: int, indicator_ids: list[int] | None = None, review_token: str | None = None
) -> Published:
    """Publish fiscal year fy's drafts: all of them, or those of the given indicators and the narratives about
    them. With review_token (Drafts.review_token() of the page the 承認者 saw), a draft changed since is left
    unpublished, so nothing reaches citizens unreviewed. Only 承認者 may publish.
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
    skipped = 0
    if review_token:
        try:
            seen = signing.loads(review_token, salt=REVIEW_SALT, max_age=24 * 3600)
        except signing.BadSignature:
            raise ValidationError(
                "確認画面の期限が切れたか、内容が変更されています。画面を読み込み直してください。"
            ) from None
        seen_values = {pk: value for pk, value in seen["values"]}
        seen_narratives = {pk: digest for pk, digest in seen["narratives"]}
        reviewed_values = [v for v in values if seen_values.get(v.pk) == str(v.value)]
        reviewed_narratives = [n for n in narratives if seen_narratives.get(n.pk) == _digest(n.text)]
        skipped = len(values) - len(reviewed_values) + len(narratives) - len(reviewed_narratives)
        values, narratives = reviewed_values, reviewed_narratives
    now = timezone.now()
    for value in values:
        value.published_value, value.published_at = value.value, now
        value._history_user = user
        value.save(update_fields=["published_value", "published_at"])
    for narrative in narratives:
        narrative.published_text, narrative.published_at = narrative.text, now
        narrative._history_user = user
        narrative.save(update_fields=["published_text", "published_at"])
    return Published(len(values), len(narratives), skipped)


@dataclass
class Change:
    when: object
    who: str
    what: str
    before: str
    after: str


VALUE_FIELDS = (("value", ""), ("note", "の備考"), ("published_value", "（公開）"))


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
            if record.published_value is not None:
                changes.append(
                    _change(record, what + "（公開）", "（未公開）", _shown(record.published_value))
                )
        else:
            # diff_against leaves out fields that are not editable in forms, such as published_value.
            for field, suffix in VALUE_FIELDS:
                old, new = getattr(previous, field), getattr(record, field)
                if old != new:
                    changes.append(_change(record, what + suffix, _shown(old), _shown(new)))
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
    who = display_name(record.history_user) if record.history_user else "（計画ファイルの読み込みなど）"
    return Change(record.history_date, who, what, before, after)
