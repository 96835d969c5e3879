"""Keeps a session that still owes its second factor (accounts.two_factor) away from
everything but the second step."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from doorstep.accounts import two_factor
from doorstep.core.htmx import htmx_redirect, is_htmx, safe_next

# Reachable with a pending session: the second step itself, signing out, the language.
_OPEN_NAMES = (
    "accounts:two_factor",
    "accounts:two_factor_enrol",
    "accounts:logout",
    "set_language",
)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and two_factor.two_factor_required(user)
            and not two_factor.session_verified(request)
        ):
            # The base template leaves out the navigation (and its polled fragments).
            request.two_factor_pending = True
            response = self._pending(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _pending(self, request):
        if self._open_paths is None:
            self._open_paths = tuple(reverse(name) for name in _OPEN_NAMES)
        path = request.path_info
        if path in self._open_paths or path.startswith("/static/"):
            return None
        if path.startswith("/api/"):
            # The API sees a pending session as no session: 401 with the API's error
            # shape, while a bearer token still works.
            request.user = AnonymousUser()
            return None
        if is_htmx(request):
            # A fragment never receives the second-factor page (core.htmx).
            return htmx_redirect(request, "accounts:two_factor")
        back = safe_next(request, request.get_full_path())
        if back is None:
            return redirect("accounts:two_factor")
        return redirect(f"{reverse('accounts:two_factor')}?{urlencode({'next': back})}")


class PasswordChangeDueMiddleware:
    """Someone signed in with a temporary password (handed over by an administrator,
    administration.services) chooses their own before anything else; the API sees
    such a session as no session, like a pending second factor."""

    _open_names = ("accounts:password_change", *_OPEN_NAMES)

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "password_change_due", False)
            and not getattr(request, "two_factor_pending", False)
        ):
            response = self._due(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _due(self, request):
        if self._open_paths is None:
            self._open_paths = tuple(reverse(name) for name in self._open_names)
        path = request.path_info
        if path in self._open_paths or path.startswith("/static/"):
            return None
        if path.startswith("/api/"):
            request.user = AnonymousUser()
            return None
        if is_htmx(request):
            return htmx_redirect(request, "accounts:password_change")
        back = safe_next(request, request.get_full_path())
        target = reverse("accounts:password_change")
        return redirect(f"{target}?{urlencode({'next': back})}" if back else target)
