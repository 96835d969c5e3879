"""insights: pages."""

from django.urls import path

from doorstep.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.home, name="home"),
    path("areas/<int:area_id>/", views.area_dashboard, name="area"),
    path("workers/<int:worker_id>/", views.worker_dashboard, name="worker"),
    path(
        "teams/<int:area_id>/reports/<int:year>/q<int:quarter>/",
        views.quarterly_report,
        name="quarterly_report",
    ),
    path("teams/<int:area_id>/reports/<int:year>/", views.annual_report, name="annual_report"),
]
