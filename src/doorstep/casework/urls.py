from django.urls import path

from doorstep.casework import views, views_notifications

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
    path("notifications/", views_notifications.notifications, name="notifications"),
    path("notifications/count/", views_notifications.notification_count, name="notification_count"),
    path(
        "notifications/<int:notification_id>/read/",
        views_notifications.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read/",
        views_notifications.notifications_read_all,
        name="notifications_read_all",
    ),
]
