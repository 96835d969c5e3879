"""The one text-input policy, applied where input enters: every query parameter, form
field and JSON string of every request (`InputPolicyMiddleware`), every API schema field
typed `core.schemas.Text`, and every cell of an import (registry.importing.checks).

- NUL and the other control characters (C0 except tab, line feed and carriage return;
  DEL) and lone surrogates are refused: PostgreSQL cannot store NUL (a 500 before this
  policy), SQLite stored it silently, and no reader of a record wants them.
- A value made only of whitespace and zero-width characters counts as empty.
- A multipart body that cannot be parsed (no boundary, truncated) is a 400, not a 500.

Errors use the API's one shape on /api/ and /open311/ (422 naming the field) and a plain
400 page elsewhere, both translated.
"""

from __future__ import annotations

import json
import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.html import escape
from django.utils.translation import gettext as _

# C0 controls except \t \n \r, DEL, and lone surrogates (which no UTF-8 column can hold).
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e"
_ZERO_WIDTH_TABLE = {ord(c): None for c in ZERO_WIDTH}


# The one export cell policy (OWASP "CSV injection"): text beginning with one of these
# is run as a formula by spreadsheets. registry.exporter neutralises such cells; the
# importer warns on them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: str) -> bool:
    return value.startswith(FORMULA_START)


def neutralise_cell(value):
    """An apostrophe before formula-like text, which spreadsheets then show as text.
    Numbers (a negative longitude) are not text and stay as they are."""
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def has_bad_characters(value: str) -> bool:
    return _BAD.search(value) is not None


def strip_bad_characters(value: str) -> str:
    return _BAD.sub("", value)


def text_problem(value: str) -> str | None:
    """The translated reason a text cannot be accepted, or None."""
    match = _BAD.search(value)
    if match is None:
        return None
    if match.group() == "\x00":
        return _("Null characters are not allowed.")
    return _("The text holds control or invalid characters, which are not allowed.")


def is_blank(value: str) -> bool:
    """True when the text is only whitespace and zero-width characters."""
    return not value.translate(_ZERO_WIDTH_TABLE).strip()


def clean_blank(value: str) -> str:
    """A value made only of whitespace and zero-width characters becomes ''."""
    return "" if is_blank(value) else value


def _json_problems(value, path: str, out: list[dict]) -> None:
    if len(out) >= 20:
        return
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            out.append({"field": path, "message": problem})
    elif isinstance(value, dict):
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            problem = text_problem(str(key))
            if problem:
                out.append({"field": sub, "message": problem})
            _json_problems(item, sub, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _json_problems(item, f"{path}.{index}" if path else str(index), out)


def _querydict_problems(data) -> list[dict]:
    out = []
    for key, values in data.lists():
        problem = text_problem(key)
        if problem:
            out.append({"field": key, "message": problem})
            continue
        for value in values:
            problem = text_problem(value) if isinstance(value, str) else None
            if problem:
                out.append({"field": key, "message": problem})
                break
    return out


def request_problems(request) -> tuple[int, list[dict]] | None:
    """(status, field errors) when the request breaks the policy, else None."""
    problems = _querydict_problems(request.GET)
    problem = text_problem(request.path_info)
    if problem:
        problems.append({"field": "path", "message": problem})
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        content_type = request.content_type or ""
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            length = int(request.META.get("CONTENT_LENGTH") or 0)
            limit = settings.DOORSTEP_IMPORT_MAX_BYTES + 1024 * 1024  # the file, plus fields
            if length > limit:
                # Refused before a byte of the body is read or spooled to disk.
                return 413, [
                    {
                        "field": "",
                        "message": _("The upload is larger than %(size)s MB.")
                        % {"size": settings.DOORSTEP_IMPORT_MAX_BYTES // (1024 * 1024)},
                    }
                ]
            try:
                post = request.POST
                request.FILES  # noqa: B018 - parse now, so that a bad body is a 400 here
            except MultiPartParserError:
                return 400, [
                    {"field": "", "message": _("The upload is not a valid multipart form.")}
                ]
            problems += _querydict_problems(post)
        elif content_type == "application/json" or content_type.endswith("+json"):
            length = int(request.META.get("CONTENT_LENGTH") or 0)
            if 0 < length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                try:
                    data = json.loads(request.body)
                except (ValueError, UnicodeDecodeError):
                    data = {}  # ninja answers 400 for a body that is not JSON
                if not isinstance(data, dict) and request.path_info.startswith("/api/"):
                    # Every input of the API is an object: a bare string or list (sent
                    # to an endpoint that takes no body) is refused, not ignored.
                    return 422, [{"field": "", "message": _("Send a JSON object.")}]
                _json_problems(data, "", problems)
    return (422, problems) if problems else None


class InputPolicyMiddleware:
    """Refuses a request that breaks the text-input policy before any view sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = request_problems(request)
        if found is None:
            return self.get_response(request)
        status, errors = found
        detail = {
            422: _("The request is not valid."),
            413: _("The upload is too large."),
        }.get(status, _("The request body could not be read."))
        if request.path_info.startswith(("/api/", "/open311/")):
            return JsonResponse({"detail": detail, "errors": errors}, status=status)
        lines = "".join(f"<li>{escape(e['field'])}: {escape(e['message'])}</li>" for e in errors)
        return HttpResponse(
            f"<!doctype html><title>{escape(detail)}</title><h1>{escape(detail)}</h1>"
            f"<ul>{lines}</ul>",
            status=status,
            content_type="text/html; charset=utf-8",
        )
