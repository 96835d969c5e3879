"""What the livelihoods page modules share: the audit channel, the reading check, and
how a service's refusal comes back on the form (status 422, the message on its field)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from doorstep.livelihoods import selectors

LIST_SIZE = 50


def _channel(name: str) -> str:
    return f"page:livelihoods:{name}"


def _reader(request) -> None:
    if not selectors.can_read(request.user):
        raise Http404


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _run(request, form, write):
    """Run a service write for a valid form; put its refusal on the form. Returns the
    result, or None when the write was refused (the form then holds why)."""
    try:
        return write(form.cleaned_data)
    except ValidationError as exc:
        _add_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("Your role does not allow this."))
    return None


def _status(request, *forms) -> int:
    return 422 if request.method == "POST" and any(f.is_bound and f.errors for f in forms) else 200


def _skills_from(ids):
    chosen = {int(i) for i in ids or []}
    return [s for s in selectors.skills() if s.pk in chosen]
