"""htmx fragments and sign-in: a fragment request must never receive a full page.

A page polls or loads pieces of itself (the notification count in the navigation, the
duty board's rows...). When the session has ended, or still owes its second factor,
the usual answer — a redirect to the sign-in page — would be followed by htmx and the
whole sign-in page injected where the fragment goes (once seen: 76 requests in 5 s and
a page 24,000 px tall). So:

- views that answer fragments are marked with `@fragment`;
- `HtmxSignInMiddleware` turns a redirect to the sign-in page, answered to an htmx
  request, into `204 No Content` with `HX-Redirect`: htmx then loads the sign-in page
  as a whole page, with `next` set to the page the user was on (not the fragment);
- `safe_next` is the one check of a `next` URL: same host, and not a fragment or an
  API URL (accounts.views, accounts.middleware use it).

Core imports no other app: the sign-in URL comes from settings.LOGIN_URL.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

FRAGMENT_ATTRIBUTE = "doorstep_fragment"


def fragment(view: Callable) -> Callable:
    """Mark a view that answers a piece of a page (never a place to land on)."""
    setattr(view, FRAGMENT_ATTRIBUTE, True)
    return view


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def is_page_path(path: str) -> bool:
    """True when `path` (without host) is a page a person may land on."""
    if not path.startswith("/") or path.startswith(("/api/", "/static/", "//")):
        return False
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return False
    return not getattr(match.func, FRAGMENT_ATTRIBUTE, False)


def safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    """`candidate` if it is a page of this site to return to after signing in."""
    if not candidate or not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(candidate)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if is_page_path(parts.path) else None


def current_page(request: HttpRequest) -> str | None:
    """The page an htmx request was made from (HX-Current-URL), if it is safe."""
    return safe_next(request, request.headers.get("HX-Current-URL"))


def htmx_redirect(request: HttpRequest, url_name: str) -> HttpResponse:
    """204 with HX-Redirect to `url_name`, returning to the page the request came from."""
    target = resolve_url(url_name)
    back = current_page(request)
    if back:
        target = f"{target}?{urlencode({'next': back})}"
    response = HttpResponse(status=204)
    response["HX-Redirect"] = target
    return response


class HtmxSignInMiddleware:
    """An htmx request sent to the sign-in page gets HX-Redirect, not the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (301, 302, 303, 307, 308) and is_htmx(request):
            location = urlsplit(response.get("Location", "")).path
            if location == resolve_url(settings.LOGIN_URL):
                return htmx_redirect(request, settings.LOGIN_URL)
        return response
