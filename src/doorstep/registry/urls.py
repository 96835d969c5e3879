from django.urls import path

from doorstep.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("households/", views.household_list, name="households"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("households/<int:household_id>/edit/", views.household_edit, name="household_edit"),
    path(
        "households/<int:household_id>/residents/new/",
        views.resident_create,
        name="resident_create",
    ),
    path(
        "households/<int:household_id>/residents/<int:resident_id>/edit/",
        views.resident_edit,
        name="resident_edit",
    ),
    path(
        "households/<int:household_id>/residents/<int:resident_id>/remove/",
        views.resident_delete,
        name="resident_delete",
    ),
]
