from django.urls import path

from doorstep.casework import (
    views,
    views_notifications,
    views_policy,
    views_team,
    views_units,
    views_welfare,
)

app_name = "casework"
urlpatterns = [
    path("", views.home, name="home"),
    path("households/<int:household_id>/visit/", views.contact_create, name="contact_create"),
    path("households/<int:household_id>/needs/new/", views.need_create, name="need_create"),
    path("needs/<int:need_id>/", views.need_detail, name="need"),
    path("needs/<int:need_id>/transition/", views.need_move, name="need_transition"),
    path("needs/<int:need_id>/refer/", views.need_refer, name="need_refer"),
    path("needs/<int:need_id>/feedback/", views.need_feedback, name="need_feedback"),
    path("referrals/", views.referral_inbox, name="referrals"),
    path("referrals/<int:referral_id>/answer/", views.referral_answer, name="referral_answer"),
    path("needs/<int:need_id>/assistance/", views.need_assistance, name="need_assistance"),
    path(
        "assistance/<int:assistance_id>/status/",
        views.assistance_status,
        name="assistance_status",
    ),
    path("pairings/", views_team.pairing_screen, name="pairings"),
    path("pairings/assign/", views_team.pairing_bulk, name="pairing_bulk"),
    path("pairings/<int:pairing_id>/end/", views_team.pairing_end, name="pairing_end"),
    path(
        "households/<int:household_id>/pairing/",
        views_team.household_pairing,
        name="household_pairing",
    ),
    path("overdue/", views_team.overdue, name="overdue"),
    path("policies/", views_policy.visit_policies, name="visit_policies"),
    path("units/", views_units.units, name="units"),
    path("units/<int:unit_id>/", views_units.unit_detail, name="unit"),
    path("units/<int:unit_id>/twinnings/", views_units.unit_twinning_add, name="unit_twinning_add"),
    path(
        "units/<int:unit_id>/twinnings/<int:twinning_id>/end/",
        views_units.unit_twinning_end,
        name="unit_twinning_end",
    ),
    path("units/<int:unit_id>/members/", views_units.unit_member_add, name="unit_member_add"),
    path(
        "units/<int:unit_id>/members/<int:member_id>/remove/",
        views_units.unit_member_remove,
        name="unit_member_remove",
    ),
    path("notifications/", views_notifications.notifications, name="notifications"),
    path("notifications/count/", views_notifications.notification_count, name="notification_count"),
    path(
        "notifications/<int:notification_id>/read/",
        views_notifications.notification_read,
        name="notification_read",
    ),
    path("welfare/", views_welfare.welfare_rounds, name="welfare_rounds"),
    path("welfare/new/", views_welfare.welfare_round_new, name="welfare_round_new"),
    path("welfare/<int:round_id>/", views_welfare.welfare_round, name="welfare_round"),
    path(
        "welfare/<int:round_id>/coverage/",
        views_welfare.welfare_round_coverage,
        name="welfare_round_coverage",
    ),
    path("welfare/<int:round_id>/map/", views_welfare.welfare_round_map, name="welfare_round_map"),
    path(
        "welfare/<int:round_id>/close/",
        views_welfare.welfare_round_close,
        name="welfare_round_close",
    ),
    path(
        "welfare/<int:round_id>/reassign/",
        views_welfare.welfare_round_reassign,
        name="welfare_round_reassign",
    ),
    path("welfare/checks/<int:check_id>/", views_welfare.welfare_check, name="welfare_check"),
    path(
        "notifications/read/",
        views_notifications.notifications_read_all,
        name="notifications_read_all",
    ),
]
