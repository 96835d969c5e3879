from django.urls import path

from doorstep.casework import views

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
]
