"""The indicators of a plan grouped by how they carry on from its predecessor's: 継続, 見直し, 新規 and 廃止
(the predecessor's indicators that none carries on), as 練馬区 and 福岡市 list them. Pure functions over a
publication's PlanProgress."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from publications.progress import PlanProgress

KINDS = (
    ("continued", _("継続"), _("前の計画の指標をそのまま引き継ぎ、新しい目標値を設定した指標")),
    ("revised", _("見直し"), _("前の計画の指標の名称・単位・目標などを見直した指標")),
    ("new", _("新規"), _("この計画で新たに設けた指標")),
    ("", _("区分未設定"), _("引き継ぎの区分がまだ設定されていない指標")),
)


@dataclass
class Group:
    kind: str
    label: str
    description: str
    rows: list = field(
        default_factory=list
    )  # IndicatorProgress, or for 廃止 the predecessor's {code, name, unit}


def carry_over_groups(progress: PlanProgress) -> list[Group]:
    groups = {kind: Group(kind, label, description) for kind, label, description in KINDS}
    for row in progress.indicators:
        groups[row.indicator.carry_over if row.indicator.carry_over in groups else ""].rows.append(row)
    retired = Group(
        "retired",
        _("廃止"),
        _("前の計画の指標のうち、この計画に引き継がなかった指標"),
        list(progress.retired),
    )
    return [group for group in [*groups.values(), retired] if group.rows or group.kind != ""]
