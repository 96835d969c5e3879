"""The authentication backend: Django's ModelBackend behind the sign-in throttle."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from doorstep.accounts import throttle
from doorstep.core.ratelimit import client_ip


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        ip = client_ip(request) if request is not None else None
        if throttle.login_locked_until(username=username, ip=ip) is not None:
            # PermissionDenied stops authenticate() at once, so no other backend is
            # tried and the password is not even checked.
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.login_failure_record(username=username, ip=ip)
        else:
            throttle.login_success_record(username=username)
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
