from django.urls import path

from doorstep.hotline import views, views_holidays

app_name = "hotline"
urlpatterns = [
    path("", views.board, name="board"),
    path("board/rows/", views.board_rows, name="board_rows"),
    path("on-duty/", views.on_duty, name="on_duty"),
    path("calls/new/", views.intake, name="intake"),
    path("callers/", views.caller_lookup, name="caller_lookup"),
    path("calls/<int:call_id>/", views.call_detail, name="call"),
    path("calls/<int:call_id>/act/", views.call_act, name="call_act"),
    path("dispatches/<int:dispatch_id>/step/", views.dispatch_step, name="dispatch_step"),
    path("responder/", views.responder_view, name="responder"),
    path("roster/", views.roster, name="roster"),
    path("roster/holidays/", views_holidays.holiday_roster, name="holiday_roster"),
    path("hazards/", views.hazards, name="hazards"),
    path("patrols/start/", views.patrol_start, name="patrol_start"),
    path("patrols/<int:patrol_id>/end/", views.patrol_end, name="patrol_end"),
    path("hazards/<int:hazard_id>/photo/", views.hazard_photo, name="hazard_photo"),
    path("hazards/<int:hazard_id>/act/", views.hazard_act, name="hazard_act"),
]
