"""Publishing (公表): the one way anything reaches citizens.

`publish()` builds the document of a plan year from the working data, stores it as a new Publication and,
once the transaction commits, asks for its files (charts, CSV, JSON, Excel) to be built in the background.
Publishing a year that is already published is a correction and needs its reason.
"""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from indicators.models import display_name
from plans.fiscal_years import fiscal_year_label
from plans.models import Plan
from publications import changes, drafts
from publications import document as doc
from publications.models import FIRST_NOTE, ArtifactBuild, Publication
from publications.progress import load

PLAN_FILE_NOTE = "計画ファイルから読み込み"
PUBLISH_PERMISSION = "indicators.publish_indicatorvalue"


@dataclass
class Pending:
    """What publishing plan at fy now would publish, against what citizens see for the year now."""

    plan: Plan
    fy: int
    document: dict
    text: str
    digest: str
    current: Publication | None
    changes: list[changes.Change]

    @property
    def is_correction(self) -> bool:
        return self.current is not None

    @property
    def progress(self):
        """The would-be publication as the pages read it (exact numbers), for the publish screen."""
        return load(doc.parse(self.text))

    @property
    def unchanged(self) -> bool:
        return self.current is not None and self.current.content_sha256 == self.digest


def check_fiscal_year(plan: Plan, fy: int) -> None:
    if not plan.contains_fiscal_year(fy):
        raise ValidationError(f"{fy}年度は計画期間（{plan.start_fy}～{plan.end_fy}年度）の外です。")


def pending(plan: Plan, fy: int) -> Pending:
    """The would-be publication of plan at fy and what it changes (for the publish screen and publish())."""
    check_fiscal_year(plan, fy)
    document = drafts.working_document(plan, fy)
    text = doc.dumps(document)
    current = Publication.objects.current(plan, fy)
    # Both sides as read back from their text, so that numbers compare as the same kind (exact Decimals).
    found = changes.changes_between(current.document() if current else None, doc.parse(text))
    return Pending(plan, fy, document, text, hashlib.sha256(text.encode()).hexdigest(), current, found)


def has_actuals(document: dict, fy: int) -> bool:
    return any(
        str(fy) in item["actuals"]
        for policy in document["policies"]
        for measure in policy["measures"]
        for item in measure["indicators"]
    ) or any(
        narrative["fy"] == fy
        for policy in document["policies"]
        for measure in policy["measures"]
        for narrative in measure["narratives"]
    )


def publisher_of(user) -> tuple[str, str]:
    """(「熊本 花子」, 「熊本市」): who published, and their organisations, as the record keeps them."""
    if user is None:
        return "（コマンドによる公表）", ""
    organisations = "・".join(user.organisations.values_list("name", flat=True))
    return display_name(user), organisations


@transaction.atomic
def publish(
    user, plan: Plan, fy: int, reason: str = "", seen_digest: str | None = None, note: str = ""
) -> Publication:
    """Publish plan at fy as the working data has it now; returns the new publication.

    user is the 承認者 (None for a management command run by an operator). A year already published needs
    `reason` (the correction's, shown to citizens). With seen_digest (Pending.digest of the screen the 承認者
    confirmed), anything changed since refuses the whole publication. Nothing is written on any refusal.
    """
    if user is not None and not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied("公表する権限がありません。")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)  # one publisher of a plan at a time
    found = pending(plan, fy)
    if seen_digest is not None and seen_digest != found.digest:
        raise ValidationError(
            "確認した後に内容が変更されました。変更点を確かめてから、もう一度公表してください。"
        )
    if not has_actuals(found.document, fy):
        raise ValidationError(f"{fiscal_year_label(fy)}の実績値も取組内容もまだないため、公表できません。")
    reason = " ".join(reason.split())
    if found.is_correction:
        if found.unchanged:
            raise ValidationError(f"{fiscal_year_label(fy)}の公表内容から変更がありません。")
        if not reason:
            raise ValidationError(
                f"{fiscal_year_label(fy)}はすでに公表しています。訂正の理由を入力してください（例: 令和2年度の実績値の誤りを訂正）。"
            )
    if len(reason) > 500:
        raise ValidationError("訂正の理由は500文字以内で入力してください。")
    name, organisation = publisher_of(user)
    publication = Publication.objects.create(
        plan=plan,
        fiscal_year=fy,
        number=found.current.number + 1 if found.current else 1,
        published_at=timezone.now(),
        published_by=user,
        publisher=name,
        organisation=organisation,
        note=reason or note or FIRST_NOTE,
        content=found.text,
        content_sha256=found.digest,
    )
    build = ArtifactBuild.objects.create(publication=publication)
    transaction.on_commit(lambda: enqueue_build(build.pk))
    return publication


def enqueue_build(build_id: int) -> None:
    from publications.artifacts import build_artifacts

    build_artifacts.enqueue(build_id)


def publish_years_with_actuals(plan: Plan, note: str = PLAN_FILE_NOTE) -> list[Publication]:
    """Publish every fiscal year of plan that has actuals or narratives and differs from what is published
    (after a plan file is read with --publish); a year already published is corrected with note as reason."""
    published = []
    for fy in plan.fiscal_years:
        found = pending(plan, fy)
        if not has_actuals(found.document, fy) or found.unchanged:
            continue
        published.append(publish(None, plan, fy, reason=note if found.is_correction else "", note=note))
    return published
