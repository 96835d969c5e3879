"""Sign-in pages: password (with the throttle), then the authenticator code for the
roles that need one (accounts.two_factor)."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from doorstep.accounts import throttle, two_factor
from doorstep.accounts.forms import CodeForm, SignInForm, locked_error
from doorstep.accounts.services import password_change_own
from doorstep.core.htmx import safe_next
from doorstep.core.ratelimit import client_ip


def _next_url(request) -> str:
    """Where to go after signing in: `next` if it is a page of ours (never a fragment
    or an API URL, core.htmx.safe_next), else the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    return safe_next(request, candidate) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm

    def get_redirect_url(self):
        return safe_next(self.request, super().get_redirect_url()) or ""

    def form_valid(self, form):
        response = super().form_valid(form)  # login() and a redirect to next
        if two_factor.two_factor_required(self.request.user) and not two_factor.session_verified(
            self.request
        ):
            return HttpResponseRedirect(_with_next("accounts:two_factor", self.get_success_url()))
        return response


def _wrong_code(request, form: CodeForm) -> HttpResponseRedirect | None:
    """Wrong codes count like wrong passwords: six digits must not be guessable."""
    until = throttle.login_failure_record(
        username=request.user.get_username(), ip=client_ip(request)
    )
    if until is not None:
        error = locked_error(until)
        logout(request)
        messages.error(request, error.message % error.params)
        return redirect("accounts:login")
    form.add_error("code", _("This code is not right. Try the newest one."))
    return None


def _pending_user_or_redirect(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    if not two_factor.two_factor_required(request.user):
        return redirect(_next_url(request))
    return None


@never_cache
@sensitive_post_parameters("code")
def two_factor_view(request):
    """The second step: a code from the authenticator, or a recovery code."""
    if (early := _pending_user_or_redirect(request)) is not None:
        return early
    next_url = _next_url(request)
    if two_factor.session_verified(request):
        return redirect(next_url)
    if two_factor.confirmed_device(request.user) is None:
        return redirect(_with_next("accounts:two_factor_enrol", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.code_check(user=request.user, code=form.cleaned_data["code"]):
            throttle.login_success_record(username=request.user.get_username())
            two_factor.session_mark_verified(request)
            return redirect(next_url)
        if (locked := _wrong_code(request, form)) is not None:
            return locked
    return render(request, "accounts/two_factor.html", {"form": form, "next": next_url})


@never_cache
@sensitive_post_parameters("code")
def two_factor_enrol_view(request):
    """First sign-in of a role that needs a second factor: scan the code, type one
    code back, keep the recovery codes (shown once)."""
    if (early := _pending_user_or_redirect(request)) is not None:
        return early
    next_url = _next_url(request)
    if two_factor.confirmed_device(request.user) is not None:
        # Replacing an authenticator goes through an administrator (device_reset).
        return redirect(_with_next("accounts:two_factor", next_url))
    device = two_factor.device_pending(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.device_confirm(user=request.user, code=form.cleaned_data["code"])
        if codes is not None:
            throttle.login_success_record(username=request.user.get_username())
            two_factor.session_mark_verified(request)
            return render(
                request, "accounts/two_factor_codes.html", {"codes": codes, "next": next_url}
            )
        if (locked := _wrong_code(request, form)) is not None:
            return locked
    uri = two_factor.provisioning_uri(device)
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "next": next_url,
            "uri": uri,
            "secret": " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4)),
            # An <img> with a data: URI: no inline SVG markup, and the CSP allows data: images.
            "qr": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
        },
    )


@never_cache
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def password_change_view(request):
    """Choose a new password: anyone signed in, at any time, and everyone handed a
    temporary password by an administrator before anything else (the middleware
    sends them here)."""
    if not request.user.is_authenticated:
        return redirect(_with_next("accounts:login", request.get_full_path()))
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_change_own(user=request.user, form=form, channel="pages")
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your new password is saved."))
        return redirect(_next_url(request))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "next": _next_url(request), "due": request.user.password_change_due},
        status=422 if request.method == "POST" else 200,
    )
