"""Whose organisation is this: the one rule of who may see drafts of, and enter, which indicators, values,
measures and narratives. Every query and check of it goes through here.

- Superusers, 承認者 and 閲覧 (permission indicators.view_all_organisations) see every organisation's.
- An indicator belongs to its organisation, or to its measure's when it has none.
- A measure's narratives belong to the measure's organisation; a narrative about one indicator belongs to
  that indicator's.
- A staff member may write narratives of the measures of their organisation and of the measures holding
  their indicators.

The functions return Q objects over field paths (prefix), so any query that reaches an indicator, a measure
or a narrative can use them without this module importing the models above it.
"""

from django.db.models import Q

ALL_ORGANISATIONS_PERMISSION = "indicators.view_all_organisations"
NOTHING = Q(pk__in=[])


def sees_every_organisation(user) -> bool:
    return user.is_superuser or user.has_perm(ALL_ORGANISATIONS_PERMISSION)


def organisation_ids(user) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(user.organisations.values_list("pk", flat=True))


def indicator_q(user, prefix: str = "") -> Q:
    """The indicators at prefix that are user's organisation's."""
    if sees_every_organisation(user):
        return Q()
    if not user.is_authenticated:
        return NOTHING
    organisations = organisation_ids(user)
    return Q(**{f"{prefix}organisation__in": organisations}) | Q(
        **{f"{prefix}organisation__isnull": True, f"{prefix}measure__organisation__in": organisations}
    )


def measure_q(user, prefix: str = "") -> Q:
    """The measures at prefix that are user's organisation's (their measure-wide narratives)."""
    if sees_every_organisation(user):
        return Q()
    if not user.is_authenticated:
        return NOTHING
    return Q(**{f"{prefix}organisation__in": organisation_ids(user)})


def narrative_q(user, prefix: str = "") -> Q:
    """The narratives at prefix that are user's organisation's."""
    if sees_every_organisation(user):
        return Q()
    return Q(**{f"{prefix}indicator__isnull": True}) & measure_q(user, f"{prefix}measure__") | Q(
        **{f"{prefix}indicator__isnull": False}
    ) & indicator_q(user, f"{prefix}indicator__")


def writable_measure_q(user) -> Q:
    """The measures user may write narratives of: their organisation's, and those with their indicators (a
    join over the measure's indicators: use it with .distinct())."""
    if sees_every_organisation(user):
        return Q()
    return measure_q(user) | indicator_q(user, prefix="indicators__")
