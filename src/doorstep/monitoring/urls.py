"""monitoring: the poverty-monitoring procedure's pages at /monitoring/."""

from django.urls import path

from doorstep.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("households/", views.household_list, name="households"),
    path("households/<int:household_id>/", views.household, name="household"),
    path("households/<int:household_id>/propose/", views.propose, name="propose"),
    path("households/<int:household_id>/help/", views.measure, name="measure"),
    path("households/<int:household_id>/review/", views.review, name="review"),
    path("households/<int:household_id>/status/", views.status_set, name="status"),
    path("proposals/<int:proposal_id>/", views.proposal, name="proposal"),
    path("proposals/<int:proposal_id>/step/", views.step, name="step"),
    path("proposals/<int:proposal_id>/resubmit/", views.resubmit, name="resubmit"),
    path("proposals/<int:proposal_id>/objection/", views.objection, name="objection"),
    path("notices/<int:area_id>/", views.notice, name="notice"),
    path("figures/", views.figures, name="figures"),
    path("settings/", views.policy, name="policy"),
]
