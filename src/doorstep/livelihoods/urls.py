"""livelihoods: pages."""

from django.urls import path

from doorstep.livelihoods import (
    views,
    views_cooperatives,
    views_jobs,
    views_loops,
    views_training,
)

app_name = "livelihoods"

urlpatterns = [
    path("", views.home, name="home"),
    path("find/", views.find_household, name="find"),
    path("households/<int:household_id>/", views.household, name="household"),
    path("households/<int:household_id>/income/", views.income_set, name="income_set"),
    path("households/<int:household_id>/year/", views.year_set, name="year_set"),
    path("households/<int:household_id>/events/", views.event_record, name="event_record"),
    path("households/<int:household_id>/enrol/", views.enrol, name="enrol"),
    path(
        "households/<int:household_id>/businesses/",
        views.business_create,
        name="business_create",
    ),
    path("businesses/<int:business_id>/loans/", views.loan_create, name="loan_create"),
    path("residents/<int:resident_id>/seeker/", views_jobs.seeker_edit, name="seeker_edit"),
    path("seekers/<int:seeker_id>/", views_jobs.seeker_detail, name="seeker"),
    path("employers/", views_jobs.employers, name="employers"),
    path("openings/", views_jobs.openings, name="openings"),
    path("openings/new/", views_jobs.opening_create, name="opening_create"),
    path("openings/<int:opening_id>/", views_jobs.opening_detail, name="opening"),
    path("openings/<int:opening_id>/matches/", views_jobs.opening_matches, name="opening_matches"),
    path("openings/<int:opening_id>/close/", views_jobs.opening_close, name="opening_close"),
    path("proposals/", views_jobs.proposal_create, name="proposal_create"),
    path(
        "proposals/<int:proposal_id>/<slug:action>/",
        views_jobs.proposal_action,
        name="proposal_action",
    ),
    path("placements/<int:placement_id>/", views_jobs.placement_detail, name="placement"),
    path(
        "placements/<int:placement_id>/needs/",
        views_loops.placement_needs,
        name="placement_needs",
    ),
    path("placements/<int:placement_id>/end/", views_loops.placement_end, name="placement_end"),
    path(
        "placements/<int:placement_id>/change/",
        views_loops.placement_change,
        name="placement_change",
    ),
    path(
        "households/<int:household_id>/income-months/",
        views_loops.income_month,
        name="income_month",
    ),
    path("courses/", views_training.courses, name="courses"),
    path("sessions/<int:session_id>/", views_training.session_detail, name="session"),
    path(
        "enrolments/<int:enrolment_id>/<slug:action>/",
        views_training.enrolment_action,
        name="enrolment_action",
    ),
    path("cooperatives/", views_cooperatives.cooperatives, name="cooperatives"),
    path(
        "cooperatives/<int:cooperative_id>/",
        views_cooperatives.cooperative_detail,
        name="cooperative",
    ),
    path("relapse/", views.relapse, name="relapse"),
    path("relapse/rules/<int:rule_id>/", views.rule_update, name="rule_update"),
    path("flags/<int:flag_id>/clear/", views.flag_clear, name="flag_clear"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("skills/", views.skills, name="skills"),
]
