from django.urls import path, register_converter

from publications import feeds, views


class IndicatorCodeConverter:
    """An indicator code as CODE_VALIDATOR allows it ("1-1-1"): any other text is no page, and never reaches a
    query (PostgreSQL refuses a NUL character in one with an error)."""

    regex = r"[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class PublicationKeyConverter:
    """ "2021-2": a publication's fiscal year and number."""

    regex = r"[0-9]{4}-[1-9][0-9]{0,3}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class PublicationFileConverter:
    """The name of one of a publication's files: a chart, the CSVs, the JSON or a report; nothing that
    could reach outside the publication's folder. The English versions (charts, reports) are under en/."""

    regex = (
        r"(?:en/)?charts/[0-9A-Za-z]+(?:-[0-9A-Za-z]+)*\.svg|data\.csv|evaluation\.csv|data\.json"
        r"|(?:en/)?report\.xlsx|(?:en/)?report\.pdf"
    )

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IndicatorCodeConverter, "code")
register_converter(PublicationKeyConverter, "pubkey")
register_converter(PublicationFileConverter, "pubfile")

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<slug:slug>/", views.plan_detail, name="detail"),
    path("plans/<slug:slug>/policies/<int:number>/", views.policy_detail, name="policy"),
    path("plans/<slug:slug>/final/", views.final_evaluation, name="final"),
    path("plans/<slug:slug>/carry-over/", views.carry_over, name="carry_over"),
    path("plans/<slug:slug>/indicators/", views.indicator_list, name="indicators"),
    path("plans/<slug:slug>/indicators/<code:code>/", views.indicator_detail, name="indicator"),
    path("plans/<slug:slug>/indicators/<code:code>/data.csv", views.indicator_csv, name="indicator_csv"),
    path("plans/<slug:slug>/indicators/<code:code>/chart.svg", views.indicator_chart, name="indicator_chart"),
    path(
        "plans/<slug:slug>/indicators/<code:code>/mini.svg",
        views.indicator_chart,
        {"mini": True},
        name="indicator_mini_chart",
    ),
    path("plans/<slug:slug>/grades.svg", views.grade_chart, name="grade_chart"),
    path("plans/<slug:slug>/data.csv", views.plan_csv, name="csv"),
    path("plans/<slug:slug>/evaluation.csv", views.plan_evaluation_csv, name="evaluation_csv"),
    path("plans/<slug:slug>/report.xlsx", views.report_xlsx, name="report"),
    path("plans/<slug:slug>/report.pdf", views.report_pdf, name="report_pdf"),
    path("plans/<slug:slug>/publications/", views.publications_list, name="publications"),
    path("plans/<slug:slug>/publications.atom", feeds.PublicationsFeed(), name="publications_feed"),
    path("plans/<slug:slug>/publications/<pubkey:key>/", views.publication_detail, name="publication"),
    path(
        "plans/<slug:slug>/publications/<pubkey:key>/<pubfile:name>",
        views.publication_file,
        name="publication_file",
    ),
    path("api/plans/", views.api_plans, name="api_plans"),
    path("api/evaluation-columns.csv", views.evaluation_columns, name="evaluation_columns"),
    path("api/plans/<slug:slug>/", views.api_plan, name="api_plan"),
]
