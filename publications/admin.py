"""The staff side of publications: the publish screen (what will change, then an explicit confirmation) and
the record of publications, shown read-only with the state of their files."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from initiatives.forms import PlanYearForm
from plans.fiscal_years import fiscal_year_label
from publications import artifacts, changes, publishing
from publications.models import ArtifactBuild, Publication


class PublishForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="訂正の理由",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="すでに公表した年度を公表し直すときは必須です。市民向けの公表・訂正の履歴に表示されます（例: 令和2年度の実績値の誤りを訂正）。",
    )
    confirm = forms.BooleanField(label="上の変更点を確認しました", required=True)


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    """Publications are records: nobody adds, changes or deletes one here; publishing makes them."""

    list_display = ["label_display", "plan", "published_at", "publisher", "note", "build_state"]
    list_filter = ["plan", "fiscal_year"]
    list_select_related = ["plan", "build"]
    search_fields = ["note", "publisher"]
    exclude = ["content"]
    readonly_fields = [
        "plan",
        "fiscal_year",
        "number",
        "published_at",
        "publisher",
        "organisation",
        "note",
        "content_sha256",
        "build_state",
        "public_link",
    ]
    change_list_template = "admin/publications/change_list.html"
    change_form_template = "admin/publications/change_form.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    @admin.display(description="公表")
    def label_display(self, publication):
        return publication.label

    @admin.display(description="ファイルの作成")
    def build_state(self, publication):
        build = getattr(publication, "build", None)
        if build is None:
            return "－"
        if build.status == ArtifactBuild.Status.RUNNING:
            return f"作成中（{build.done_files}/{build.total_files}）"
        return build.get_status_display()

    @admin.display(description="公開ページ")
    def public_link(self, publication):
        return format_html('<a href="{}">{}</a>', publication.get_absolute_url(), "公表・訂正の履歴で見る")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("publish/", wrap(self.publish_view), name="publications_publication_publish"),
            path("<int:pk>/retry/", wrap(self.retry_view), name="publications_publication_retry"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        publication = get_object_or_404(Publication.objects.select_related("plan", "build"), pk=object_id)
        extra_context = (extra_context or {}) | {
            "build": getattr(publication, "build", None),
            "can_publish": request.user.has_perm(publishing.PUBLISH_PERMISSION),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def publish_view(self, request):
        """公表: a 承認者 sees what publishing the year would change, then confirms."""
        if not request.user.has_perm(publishing.PUBLISH_PERMISSION):
            raise PermissionDenied
        chooser = PlanYearForm(request.GET or None, work=self.admin_site.year_work())
        context = {
            **self.admin_site.each_context(request),
            "title": "公表（下書きの確認と公表）",
            "opts": self.model._meta,
            "chooser": chooser,
        }
        if not (request.GET and chooser.is_valid()):
            return TemplateResponse(request, "admin/publications/publish.html", context)
        plan, fy = chooser.cleaned_data["plan"], chooser.cleaned_data["fy"]
        found = publishing.pending(plan, fy)
        form = PublishForm(initial={"digest": found.digest})
        if request.method == "POST":
            form = PublishForm(request.POST)
            if form.is_valid():
                try:
                    publication = publishing.publish(
                        request.user,
                        plan,
                        fy,
                        reason=form.cleaned_data["reason"],
                        seen_digest=form.cleaned_data["digest"],
                    )
                except ValidationError as error:
                    for message in error.messages:
                        messages.error(request, message)
                    return redirect(request.get_full_path())
                what = (
                    f"{fiscal_year_label(fy)}の訂正" if publication.is_correction else fiscal_year_label(fy)
                )
                messages.success(
                    request,
                    f"{what}を公表しました（第{publication.number}版）。グラフ・Excel などのファイルを作成しています。",
                )
                return redirect(reverse("admin:publications_publication_change", args=[publication.pk]))
            messages.error(
                request,
                "変更点を確認したら「確認しました」にチェックを入れてください。何も公表していません。",
            )
        preview_url = reverse("public:detail", args=[plan.slug]) + f"?fy={fy}&preview=1"
        later = Publication.objects.filter(plan=plan, fiscal_year__gt=fy).values_list(
            "fiscal_year", flat=True
        )
        context |= {
            "plan": plan,
            "fy": fy,
            "pending": found,
            "form": form,
            "preview_url": preview_url,
            "report_preview_url": reverse("public:report_pdf", args=[plan.slug]) + f"?fy={fy}&preview=1",
            "summary": changes.summary(found.changes),
            "later_years": sorted(set(later)),
        }
        return TemplateResponse(request, "admin/publications/publish.html", context)

    def retry_view(self, request, pk):
        """Build a publication's files again after a failure (the publication itself is not touched)."""
        if request.method != "POST" or not request.user.has_perm(publishing.PUBLISH_PERMISSION):
            raise PermissionDenied
        build = get_object_or_404(ArtifactBuild, publication_id=pk)
        artifacts.retry(build)
        messages.success(request, "ファイルの作成をやり直しています。")
        return redirect(reverse("admin:publications_publication_change", args=[pk]))
