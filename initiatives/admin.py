from django.contrib import admin

from initiatives.models import Narrative


@admin.register(Narrative)
class NarrativeAdmin(admin.ModelAdmin):
    list_display = ["short_text", "measure", "fiscal_year", "section", "position", "indicator"]
    list_filter = ["measure__policy__plan", "fiscal_year", "section", "measure"]
    list_select_related = ["measure__policy", "indicator"]
    search_fields = ["text"]
    autocomplete_fields = []
    fields = ["measure", "indicator", "fiscal_year", "section", "position", "text"]

    @admin.display(description="内容")
    def short_text(self, narrative):
        return narrative.text if len(narrative.text) <= 40 else narrative.text[:40] + "…"
