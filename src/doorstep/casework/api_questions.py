"""/api/v1/casework/question-templates: the questions a contact's check-list and a
welfare round may ask (casework.questions). Supervisors and administrators create,
reword and retire them for their area; a text that touches what Doorstep never records
is refused with a message that names the line (core.line)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema
from pydantic import Field

from doorstep.areas.selectors import area_for
from doorstep.casework import selectors_questions as selectors
from doorstep.casework.api_common import IdempotencyKey
from doorstep.casework.api_common import write as _write
from doorstep.casework.models import NeedCategory
from doorstep.casework.questions import KEY_PATTERN, MAX_TEXT
from doorstep.casework.services import questions as services
from doorstep.core.schemas import MAX_ID, Id, Text, error_responses

router = Router()
CHANNEL = "api:question_templates"
TemplateId = Annotated[int, Path(ge=1, le=MAX_ID, description="Question template id.")]
QuestionText = Annotated[Text, Field(max_length=MAX_TEXT)]


class QuestionTemplateOut(Schema):
    id: int
    key: str
    kind: Literal["contact", "welfare"]
    answer: Literal["yes_no", "note"]
    area: int = Field(validation_alias="area_id")
    text_zh: str
    text_ug: str
    text_en: str
    need_category: str
    active: bool


class QuestionTemplateListOut(Schema):
    items: list[QuestionTemplateOut]


class QuestionTemplateCreateIn(Schema):
    area: Id = Field(description="Your area or one below it: the template applies there.")
    key: str = Field(pattern=KEY_PATTERN, description="Typed key, e.g. blankets_enough.")
    kind: Literal["contact", "welfare"]
    answer: Literal["yes_no", "note"] = "yes_no"
    text_zh: QuestionText = ""
    text_ug: QuestionText = ""
    text_en: QuestionText = ""
    need_category: NeedCategory = NeedCategory.OTHER


class QuestionTemplateUpdateIn(Schema):
    text_zh: QuestionText | None = None
    text_ug: QuestionText | None = None
    text_en: QuestionText | None = None
    active: bool | None = None


class TemplateChangeOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    key: str
    area: int
    texts: dict[str, str]
    active: bool


class TemplateChangeListOut(Schema):
    items: list[TemplateChangeOut]


def _dump(template) -> dict:
    return QuestionTemplateOut.from_orm(template).model_dump(mode="json")


@router.get(
    "", response={200: QuestionTemplateListOut, **error_responses()}, summary="Question templates"
)
def templates_list(request: HttpRequest):
    return {"items": list(selectors.question_templates_visible_to(request.auth)[:500])}


@router.get(
    "/changes",
    response={200: TemplateChangeListOut, **error_responses()},
    summary="Changes to the question templates of your area and below",
    description="Supervisors and administrators: every creation, rewording and retirement.",
)
def templates_changes(request: HttpRequest):
    items = [
        {
            "at": event.at,
            "actor": event.actor.username if event.actor else "",
            "action": event.action,
            "key": event.detail.get("key", ""),
            "area": event.detail.get("area") or 0,
            "texts": event.detail.get("texts") or {},
            "active": bool(event.detail.get("active", True)),
        }
        for event in selectors.question_template_changes_for(request.auth)
    ]
    return {"items": items}


@router.post(
    "",
    response={201: QuestionTemplateOut, **error_responses(403)},
    summary="Add a question template",
    description="The text is screened in every language against what Doorstep never "
    "records (religion, ethnicity as risk, political views, “extremism”, watch-lists, "
    "security); such a question is refused with a 422 that explains the line.",
)
def templates_create(
    request: HttpRequest, payload: QuestionTemplateCreateIn, idempotency_key: IdempotencyKey = None
):
    user = request.auth
    try:
        area = area_for(user, payload.area)
    except Exception:  # noqa: BLE001 - any area outside scope is a field error
        area = None

    def run():
        if area is None:
            from django.core.exceptions import ValidationError

            raise ValidationError({"area": _("There is no area with this id in your area.")})
        template = services.question_template_create(
            actor=user,
            area=area,
            key=payload.key,
            kind=payload.kind,
            answer=payload.answer,
            text_zh=payload.text_zh,
            text_ug=payload.text_ug,
            text_en=payload.text_en,
            need_category=payload.need_category,
            channel=CHANNEL,
        )
        return 201, _dump(template)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)


@router.patch(
    "/{template_id}",
    response={200: QuestionTemplateOut, **error_responses(403, 404)},
    summary="Reword, retire or restore a question template",
)
def templates_update(
    request: HttpRequest,
    template_id: TemplateId,
    payload: QuestionTemplateUpdateIn,
    idempotency_key: IdempotencyKey = None,
) -> JsonResponse:
    user = request.auth
    template = selectors.question_template_managed_by(user, template_id)

    def run():
        updated = services.question_template_update(
            actor=user, template=template, channel=CHANNEL, **payload.model_dump()
        )
        return 200, _dump(updated)

    return _write(request, idempotency_key, payload.model_dump(mode="json"), run)
