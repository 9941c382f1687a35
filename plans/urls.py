from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<slug:slug>/", views.plan_detail, name="detail"),
    path("plans/<slug:slug>/policies/<int:number>/", views.policy_detail, name="policy"),
    path("plans/<slug:slug>/indicators/", views.indicator_list, name="indicators"),
    path("plans/<slug:slug>/indicators/<str:code>/", views.indicator_detail, name="indicator"),
    path("plans/<slug:slug>/indicators/<str:code>/data.csv", views.indicator_csv, name="indicator_csv"),
    path("plans/<slug:slug>/indicators/<str:code>/chart.svg", views.indicator_chart, name="indicator_chart"),
    path(
        "plans/<slug:slug>/indicators/<str:code>/mini.svg",
        views.indicator_chart,
        {"mini": True},
        name="indicator_mini_chart",
    ),
    path("plans/<slug:slug>/grades.svg", views.grade_chart, name="grade_chart"),
    path("plans/<slug:slug>/data.csv", views.plan_csv, name="csv"),
    path("plans/<slug:slug>/report.xlsx", views.report_xlsx, name="report"),
    path("api/plans/", views.api_plans, name="api_plans"),
    path("api/plans/<slug:slug>/", views.api_plan, name="api_plan"),
]
