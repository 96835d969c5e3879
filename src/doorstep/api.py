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
from ninja.utils import check_csrf

from doorstep.accounts.services import api_token_authenticate
from doorstep.core.apidocs import LocalSwagger
from doorstep.core.openapi import tighten_input_rules
from doorstep.core.schemas import pydantic_error_message


class SessionAuth(APIKeyCookie):
    """The signed-in browser session, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a signed-in session there is nothing to protect: answer 401 (not
        # ninja's 403 for a missing CSRF token), so that a client with a wrong token
        # learns that it is not authenticated.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("The CSRF token is missing or wrong. Reload the page."))
        return request.COOKIES.get(self.param_name)

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
            # accounts.api refuses to mint tokens with a token (see tokens_create).
            request.doorstep_token_auth = True
        return user


class DoorstepAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        # The document states the server's own input rules (core.openapi).
        return tighten_input_rules(super().get_openapi_schema(**kwargs))


api = DoorstepAPI(
    title="Doorstep API",
    version="1",
    description="Households, residents and the help given. Every list and record is "
    "limited to the caller's area; a record outside it answers 404.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    # Offices run on closed networks: swagger-ui comes from our static files, not a CDN.
    docs=LocalSwagger(),
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
            if part not in ("body", "query", "path", "payload", "header", "cookie")
        ]
        errors.append({"field": ".".join(loc), "message": pydantic_error_message(err)})
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
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        # ninja's own message, in English: say it in the caller's language.
        detail = _("The request body is not valid JSON.")
    return api.create_response(request, error_body(detail), status=exc.status_code)


# Routers register themselves here; import order is the order in the docs.
from doorstep.accounts.api import me_router, tokens_router  # noqa: E402
from doorstep.administration.api_setup import router as setup_router  # noqa: E402
from doorstep.administration.api_staff import router as staff_router  # noqa: E402
from doorstep.areas.api import router as areas_router  # noqa: E402
from doorstep.casework.api import router as casework_router  # noqa: E402
from doorstep.fieldapp.api import router as field_router  # noqa: E402
from doorstep.hotline.api import router as hotline_router  # noqa: E402
from doorstep.hotline.api_patrols import router as patrols_router  # noqa: E402
from doorstep.insights.api import router as insights_router  # noqa: E402
from doorstep.livelihoods.api import router as livelihoods_router  # noqa: E402
from doorstep.monitoring.api import router as monitoring_router  # noqa: E402
from doorstep.monitoring.portal_api import router as monitoring_portal_router  # noqa: E402
from doorstep.pairing.api import router as pairing_router  # noqa: E402
from doorstep.portal.api import router as portal_router  # noqa: E402
from doorstep.privacy.api import router as privacy_router  # noqa: E402
from doorstep.registry.api import router as registry_router  # noqa: E402
from doorstep.registry.api_imports import exports_router, imports_router  # noqa: E402

api.add_router("/v1/me", me_router, tags=["accounts"])
api.add_router("/v1/tokens", tokens_router, tags=["accounts"])
api.add_router("/v1/staff", staff_router, tags=["administration"])
api.add_router("/v1/setup", setup_router, tags=["administration"])
api.add_router("/v1/areas", areas_router, tags=["areas"])
api.add_router("/v1/households", registry_router, tags=["households"])
api.add_router("/v1/imports", imports_router, tags=["imports"])
api.add_router("/v1/exports", exports_router, tags=["exports"])
api.add_router("/v1/casework", casework_router, tags=["casework"])
api.add_router("/v1/field", field_router, tags=["field app"])
api.add_router("/v1/hotline/patrols", patrols_router, tags=["hotline"])
api.add_router("/v1/hotline", hotline_router, tags=["hotline"])
api.add_router("/v1/livelihoods", livelihoods_router, tags=["livelihoods"])
api.add_router("/v1/monitoring", monitoring_router, tags=["monitoring"])
api.add_router("/v1/pairing", pairing_router, tags=["pairing"])
api.add_router("/v1/insights", insights_router, tags=["insights"])
api.add_router("/v1/portal", portal_router, tags=["portal"])
api.add_router("/v1/portal/monitoring", monitoring_portal_router, tags=["portal"])
api.add_router("/v1/privacy", privacy_router, tags=["privacy"])
