from django.urls import path

from doorstep.registry import views, views_import

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("households/", views.household_list, name="households"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path(
        "households/<int:household_id>/timeline/",
        views.household_timeline_more,
        name="household_timeline",
    ),
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
    # Import and export (views_import.py).
    path("imports/", views_import.import_upload, name="import_upload"),
    path("imports/<int:job_id>/", views_import.import_job, name="import_job"),
    path("imports/<int:job_id>/progress/", views_import.import_progress, name="import_progress"),
    path("imports/<int:job_id>/run/", views_import.import_run, name="import_run"),
    path("households/export/", views_import.households_export_view, name="households_export"),
]
