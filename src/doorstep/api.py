"""The one NinjaAPI instance: /api/openapi.json, /api/docs, routes under /api/v1/.

Errors share one shape everywhere: {"detail": str, "errors": [{"field", "message"}]}.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from doorstep.accounts.services import api_token_authenticate


class SessionAuth(APIKeyCookie):
    """The signed-in browser session, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Doorstep API",
    version="1",
    description="Households, residents and the help given. Every list and record is "
    "limited to the caller's area; a record outside it answers 404.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def error_body(detail: str, errors: list[dict] | None = None) -> dict:
    return {"detail": detail, "errors": errors or []}


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    errors = []
    for err in exc.errors:
        loc = [
            str(part)
            for part in err.get("loc", [])
            if part not in ("body", "query", "path", "payload")
        ]
        errors.append({"field": ".".join(loc), "message": str(err.get("msg", ""))})
    return api.create_response(
        request, error_body(_("The request is not valid."), errors), status=422
    )


@api.exception_handler(DjangoValidationError)
def _django_validation_error(request, exc: DjangoValidationError):
    errors = []
    if hasattr(exc, "error_dict"):
        for field, field_errors in exc.message_dict.items():
            errors += [
                {"field": "" if field == "__all__" else field, "message": m} for m in field_errors
            ]
    else:
        errors = [{"field": "", "message": m} for m in exc.messages]
    return api.create_response(
        request, error_body(_("The request is not valid."), errors), status=422
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, error_body(_("Not found.")), status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(
        request, error_body(_("Sign in or send a valid API token.")), status=401
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(request, error_body(str(exc)), status=exc.status_code)


# Routers register themselves here; import order is the order in the docs.
from doorstep.areas.api import router as areas_router  # noqa: E402
from doorstep.registry.api import router as registry_router  # noqa: E402

api.add_router("/v1/areas", areas_router, tags=["areas"])
api.add_router("/v1/households", registry_router, tags=["households"])
