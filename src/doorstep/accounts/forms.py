from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from doorstep.accounts import throttle
from doorstep.core.ratelimit import client_ip


def locked_error(until) -> ValidationError:
    return ValidationError(
        _(
            "Too many failed sign-ins. Try again after %(time)s, or ask an administrator "
            "to lift the lock."
        ),
        code="locked",
        params={"time": formats.time_format(timezone.localtime(until), "H:i")},
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form, saying so when the throttle has locked the account or
    the address (the backend refuses it either way)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        ip = client_ip(self.request) if self.request is not None else None
        until = throttle.login_locked_until(username=username, ip=ip)
        if until is not None:
            raise locked_error(until)
        try:
            return super().clean()
        except ValidationError:
            until = throttle.login_locked_until(username=username, ip=ip)
            if until is not None:  # this failure was the one that locked it
                raise locked_error(until) from None
            raise


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
