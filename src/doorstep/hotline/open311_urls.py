from django.urls import re_path

from doorstep.hotline import open311

app_name = "open311"
FMT = r"\.(?P<fmt>[a-z]+)$"
urlpatterns = [
    re_path(r"^services" + FMT, open311.services, name="services"),
    re_path(r"^services/(?P<code>[^/.]+)" + FMT, open311.service_definition, name="service"),
    re_path(r"^requests" + FMT, open311.requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/.]+)" + FMT, open311.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/.]+)" + FMT, open311.token, name="token"),
]
