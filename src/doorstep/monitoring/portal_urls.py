"""/resident/monitoring/: the household's own application (portal session)."""

from django.urls import path

from doorstep.monitoring import portal_views

app_name = "monitoring_portal"

urlpatterns = [path("apply/", portal_views.apply, name="apply")]
