"""Livelihoods figures on the dashboards, once the livelihoods app has its models.

Looked up at call time (apps.is_installed, hasattr), never imported at module level,
so insights works whether or not livelihoods has landed. Returns None when the
figures cannot be computed; the page then shows no livelihoods section.
"""

from __future__ import annotations

from django.apps import apps


def _models():
    if not apps.is_installed("doorstep.livelihoods"):
        return None
    try:
        module = __import__("doorstep.livelihoods.models", fromlist=["models"])
    except ImportError:
        return None
    return module


def area_figures(area, period) -> dict | None:
    return None
