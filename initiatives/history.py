"""The change history of an indicator, its values and its narratives, for the staff's Japanese history page.

Publishing is not part of it: what was published, when and by whom is the publication record itself
(publications.models.Publication).
"""

from dataclasses import dataclass

from django.db.models import Q

from indicators.models import Indicator, IndicatorValue, display_name
from initiatives.models import Narrative


@dataclass
class Change:
    when: object
    who: str
    what: str
    before: str
    after: str


VALUE_FIELDS = (("value", ""), ("note", "の備考"))


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
            for field, suffix in VALUE_FIELDS:
                old, new = getattr(previous, field), getattr(record, field)
                if old != new:
                    changes.append(_change(record, what + suffix, _shown(old), _shown(new)))
    # The indicator's own narratives, and those about its whole measure (on the page of each of its indicators).
    own = Q(indicator_id=indicator.pk) | Q(indicator_id__isnull=True, measure_id=indicator.measure_id)
    narratives = Narrative.history.filter(own).select_related("history_user")
    for record in narratives:
        previous = record.prev_record
        what = f"{record.fiscal_year}年度の{dict(Narrative.Section.choices)[record.section]}"
        if record.indicator_id is None:
            what += "（取組全体）"
        if record.history_type == "-":
            changes.append(_change(record, what, record.text, "（削除）"))
        elif previous is None:
            changes.append(_change(record, what, "（なし）", record.text))
        elif previous.text != record.text:
            changes.append(_change(record, what, previous.text, record.text))
    return sorted(changes, key=lambda change: change.when, reverse=True)


def _shown(value) -> str:
    return "（なし）" if value in (None, "") else str(value)


def _change(record, what: str, before: str, after: str) -> Change:
    who = display_name(record.history_user) if record.history_user else "（計画ファイルの読み込みなど）"
    return Change(record.history_date, who, what, before, after)
