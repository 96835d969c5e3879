"""privacy: staff pages for consent, programme status and correction requests."""

from django.urls import path

from doorstep.privacy import views

app_name = "privacy"

urlpatterns = [
    path("households/<int:household_id>/", views.household_privacy, name="household"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:request_id>/", views.correction, name="correction"),
]
