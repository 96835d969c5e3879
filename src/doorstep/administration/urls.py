from django.urls import path

from doorstep.administration import views_setup, views_staff

app_name = "administration"
urlpatterns = [
    path("", views_setup.home, name="home"),
    path("staff/", views_staff.staff_list, name="staff"),
    path("staff/new/", views_staff.staff_new, name="staff_new"),
    path("staff/import/", views_staff.staff_import, name="staff_import"),
    path("staff/export/", views_staff.staff_export_file, name="staff_export"),
    path("staff/<int:staff_id>/", views_staff.staff_detail, name="staff_detail"),
    path("staff/<int:staff_id>/deactivate/", views_staff.staff_deactivate, name="staff_deactivate"),
    path("staff/<int:staff_id>/reactivate/", views_staff.staff_reactivate, name="staff_reactivate"),
    path("staff/<int:staff_id>/password/", views_staff.staff_password_reset, name="staff_password"),
    path(
        "staff/<int:staff_id>/two-factor/",
        views_staff.staff_two_factor_reset,
        name="staff_two_factor",
    ),
    path("offices/", views_setup.offices, name="offices"),
    path("offices/<int:office_id>/", views_setup.office_detail, name="office"),
    path("offices/<int:office_id>/responders/", views_setup.responder_new, name="responder_new"),
    path("responders/<int:responder_id>/", views_setup.responder_detail, name="responder"),
    path(
        "responders/<int:responder_id>/contacts/",
        views_setup.responder_contacts,
        name="responder_contacts",
    ),
    path("service-levels/", views_setup.service_levels, name="service_levels"),
    path("service-levels/<int:level_id>/", views_setup.service_level_edit, name="service_level"),
]
