"""pairing: pages."""

from django.urls import path

from doorstep.pairing import views

app_name = "pairing"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/progress/", views.plan_progress, name="plan_progress"),
    path("plans/<int:plan_id>/apply/", views.plan_apply, name="plan_apply"),
    path("plans/<int:plan_id>/discard/", views.plan_discard, name="plan_discard"),
    path("route/", views.route, name="route"),
    path("route/<int:worker_id>/", views.route, name="worker_route"),
    path("teams/", views.teams, name="teams"),
]
