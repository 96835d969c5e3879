from django.urls import path

from doorstep.fieldapp import views

app_name = "fieldapp"

urlpatterns = [
    path("", views.shell, name="shell"),
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("signout/", views.sign_out, name="signout"),
]
