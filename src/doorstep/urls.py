from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from doorstep.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("accounts/", include("doorstep.accounts.urls")),
    path("areas/", include("doorstep.areas.urls")),
    path("casework/", include("doorstep.casework.urls")),
    path("hotline/", include("doorstep.hotline.urls")),
    path("open311/v2/", include("doorstep.hotline.open311_urls")),
    path("livelihoods/", include("doorstep.livelihoods.urls")),
    path("pairing/", include("doorstep.pairing.urls")),
    path("insights/", include("doorstep.insights.urls")),
    path("monitoring/", include("doorstep.monitoring.urls")),
    # Before the portal's own: the resident's application sits under /resident/ so
    # that the portal session cookie (path /resident/) reaches it.
    path("resident/monitoring/", include("doorstep.monitoring.portal_urls")),
    path("resident/", include("doorstep.portal.urls")),
    path("privacy/", include("doorstep.privacy.urls")),
    path("administration/", include("doorstep.administration.urls")),
    path("admin/", admin.site.urls),
    path("", include("doorstep.registry.urls")),
]

# Our error pages, in the user's language, also under DEBUG (core.errors).
handler400 = "doorstep.core.errors.bad_request"
handler403 = "doorstep.core.errors.permission_denied"
handler404 = "doorstep.core.errors.page_not_found"
handler500 = "doorstep.core.errors.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
