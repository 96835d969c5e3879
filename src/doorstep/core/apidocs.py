"""The API docs page (/api/docs) with swagger-ui served from our own static files.

ninja's Swagger page loads swagger-ui from its own package only when "ninja" is an
installed app, and from a CDN otherwise; offices run on closed networks, so the page
uses the copy of the npm package swagger-ui-dist that tools/vendor.py puts under
static/vendor/swagger-ui/ (pinned in package.json).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger, _csrf_needed


class LocalSwagger(Swagger):
    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)
