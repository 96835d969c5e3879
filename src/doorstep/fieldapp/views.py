"""The field app's shell, service worker, manifest and sign-out.

The service worker is served from /field/sw.js so that its scope is /field/ (the
app) without a Service-Worker-Allowed header; it is rendered with the static URLs to
cache, so a new deployment (new hashed file names) installs a new worker.
"""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doorstep.fieldapp.selectors import may_use_field_app
from doorstep.fieldapp.strings import catalogue

STATIC_FILES = (
    "fieldapp/app.css",
    "fieldapp/store.js",
    "fieldapp/app.js",
    "fieldapp/icon-192.png",
    "fieldapp/icon-512.png",
)


def _precache() -> list[str]:
    return [reverse("fieldapp:shell"), reverse("fieldapp:manifest")] + [
        static(name) for name in STATIC_FILES
    ]


@login_required
@require_GET
def shell(request):
    if not may_use_field_app(request.user):
        raise Http404
    response = render(
        request,
        "fieldapp/app.html",
        {
            "strings": catalogue(),
            "language": get_language(),
            "bidi": get_language_bidi(),
            "user_id": request.user.pk,
        },
    )
    # The service worker keeps its own copy; the browser's HTTP cache must not.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def service_worker(request):
    urls = _precache()
    version = hashlib.sha256(json.dumps(urls).encode()).hexdigest()[:12]
    response = render(
        request,
        "fieldapp/sw.js",
        {"precache": json.dumps(urls), "version": version, "shell": reverse("fieldapp:shell")},
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    shell_url = reverse("fieldapp:shell")
    body = {
        "name": _("Doorstep field app"),
        "short_name": _("Doorstep"),
        "start_url": shell_url,
        "scope": shell_url,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f5f8b",
        "lang": get_language(),
        "dir": "rtl" if get_language_bidi() else "ltr",
        "icons": [
            {"src": static("fieldapp/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("fieldapp/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_POST
def sign_out(request):
    """Sign out and have the browser remove everything this site stored on the phone
    (IndexedDB, the service worker's caches): the app also clears them itself."""
    logout(request)
    response = redirect("accounts:login")
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response
