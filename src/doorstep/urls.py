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
    path("resident/", include("doorstep.portal.urls")),
    path("privacy/", include("doorstep.privacy.urls")),
    path("administration/", include("doorstep.administration.urls")),
    path("admin/", admin.site.urls),
    path("", include("doorstep.registry.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
