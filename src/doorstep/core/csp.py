"""Content-Security-Policy on every answer (Django 5.2 has none built in).

No 'unsafe-inline' anywhere: pages load their scripts and styles from our static
files (tests check the templates for inline script, style and event handlers).
Images may be data: URIs (the authenticator QR code, Leaflet's icons) and come from
the office's tile server when DOORSTEP_TILE_URL names one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def tile_origin(tile_url: str) -> str | None:
    """https://{s}.tiles.office/{z}/{x}/{y}.png -> https://*.tiles.office"""
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{s}", "TILESUB"))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    host = parts.netloc
    if "TILESUB" in host:
        host = "*" + host.split("TILESUB", 1)[1]
    return f"{parts.scheme}://{host}"


def policy() -> str:
    images = ["'self'", "data:"]
    origin = tile_origin(settings.DOORSTEP_TILE_URL)
    if origin:
        images.append(origin)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._built: tuple[str, str] | None = None

    def __call__(self, request):
        response = self.get_response(request)
        tile_url = settings.DOORSTEP_TILE_URL  # read each time: tests change it
        if self._built is None or self._built[0] != tile_url:
            self._built = (tile_url, policy())
        response.headers.setdefault("Content-Security-Policy", self._built[1])
        return response
