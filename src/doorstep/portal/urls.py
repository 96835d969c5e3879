"""portal: the resident's pages at /resident/."""

from django.urls import path

from doorstep.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.code, name="code"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:need_id>/", views.need_detail, name="need"),
    path("needs/<int:need_id>/answer/", views.need_answer, name="need_answer"),
    path("correction/", views.correction, name="correction"),
    path("consent/", views.consent, name="consent"),
]
