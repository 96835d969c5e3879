"""/api/v1/me and /api/v1/tokens: who the caller is, and their own API tokens.

Tokens are minted only from a signed-in session (or `manage.py create_api_token`):
a stolen token must not be able to mint a new one that outlives its revocation.
Token writes take no Idempotency-Key: replaying a create would have to store the
secret, and only its digest is ever stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from ninja.errors import HttpError

from doorstep.accounts.models import ApiToken, Role
from doorstep.accounts.services import api_token_create, api_token_revoke
from doorstep.core.schemas import MAX_ID, Text, error_responses

me_router = Router()
tokens_router = Router()

TokenId = Annotated[int, Path(ge=1, le=MAX_ID, description="Token id.")]


class AreaRefOut(Schema):
    id: int
    code: str
    name: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    role: Role
    area: AreaRefOut | None = Field(description="You see records in this area and below it.")
    can_read_registry: bool
    can_edit_registry: bool

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.get_full_name()


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters after ds_, to tell tokens apart.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None = Field(description="Updated at most once a minute.")
    revoked_at: dt.datetime | None


class TokenCreateIn(Schema):
    name: Text = Field(
        min_length=1, max_length=100, description="What the token is for, e.g. the device."
    )


class TokenCreatedOut(TokenOut):
    secret: str = Field(
        description="Send as 'Authorization: Bearer <secret>'. Shown once, never stored."
    )


@me_router.get("", response={200: MeOut, **error_responses()}, summary="The caller")
def me_get(request):
    user = request.auth
    if user.area_id is not None:
        user.area  # noqa: B018 - one query here rather than a lazy load during serialization
    return user


@tokens_router.get(
    "", response={200: list[TokenOut], **error_responses()}, summary="List your API tokens"
)
def tokens_list(request):
    return ApiToken.objects.filter(user=request.auth).order_by("-created_at", "-id")


@tokens_router.post(
    "",
    response={201: TokenCreatedOut, **error_responses(400, 403)},
    summary="Create an API token",
    description="Only from a signed-in session. The secret is in this answer and nowhere else.",
)
def tokens_create(request, payload: TokenCreateIn):
    if getattr(request, "doorstep_token_auth", False):
        raise HttpError(403, _("Create API tokens from a signed-in session, not with a token."))
    token, secret = api_token_create(user=request.auth, name=payload.name.strip() or "-")
    return 201, {**TokenOut.from_orm(token).model_dump(), "secret": secret}


@tokens_router.delete(
    "/{token_id}",
    response={204: None, **error_responses(403, 404)},
    summary="Revoke one of your API tokens",
    description="Revoking a revoked token is not an error.",
)
def tokens_revoke(request, token_id: TokenId):
    token = ApiToken.objects.filter(user=request.auth, pk=token_id).first()
    if token is None:
        raise Http404
    api_token_revoke(token=token)
    return 204, None
