"""Friendly error pages (403, 404, 500) in the user's language, under the CSP, in
development and production alike.

Django answers an `Http404` with its technical page whenever DEBUG is on: English,
listing the URL patterns, with inline styles the CSP blocks. People try Doorstep with
`make run` (DEBUG on), so that page must not be what they see:
- `FriendlyErrorsMiddleware.process_exception` answers an `Http404` raised by a view
  with our 404 page before Django's debug handling sees it;
- an address that matches no URL pattern never reaches a view: the middleware replaces
  the technical answer (a 404 without `request.resolver_match`) with the same page.
The API (/api/) keeps its own JSON errors. Unexpected exceptions keep Django's
technical 500 page under DEBUG (a developer needs the traceback); in production
`server_error` renders 500.html, which needs no database.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponseServerError
from django.template import loader
from django.utils.translation import get_language_bidi
from django.views import defaults

_OWN_ERRORS = ("/api/", "/static/", "/open311/")


def _ours(request) -> bool:
    return not request.path_info.startswith(_OWN_ERRORS)


def page_not_found(request, exception=None):
    return defaults.page_not_found(request, exception, template_name="404.html")


def permission_denied(request, exception=None):
    return defaults.permission_denied(request, exception, template_name="403.html")


def bad_request(request, exception=None):
    return defaults.bad_request(request, exception, template_name="400.html")


def server_error(request):
    """No context processors and no database: the failure may be the database."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render(
            {
                "site_name": settings.DOORSTEP_SITE_NAME,
                "text_direction": "rtl" if get_language_bidi() else "ltr",
            }
        )
    )


class FriendlyErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and _ours(request)
        ):
            return page_not_found(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and _ours(request):
            return page_not_found(request, exception)
        return None
