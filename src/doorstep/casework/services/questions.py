"""Question templates (casework.questions): the line enforced by construction.

A contact's check-list and a welfare round's own questions can only name templates;
a template's text is screened by core.line in every language it is written in, and a
question that touches what Doorstep never records is refused with a message naming
the line. Supervisors and administrators manage the templates of their area; every
change is an audit event carrying the template's area path, which is how the
supervisors above find it (selectors.question_template_changes_for).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from doorstep.accounts.models import Role
from doorstep.areas.models import Area
from doorstep.casework.models import NeedCategory
from doorstep.casework.questions import (
    KEY_PATTERN,
    MAX_TEXT,
    AnswerKind,
    QuestionKind,
    QuestionTemplate,
)
from doorstep.casework.services.common import require_role
from doorstep.core.inputpolicy import clean_blank, text_problem
from doorstep.core.line import line_message, screen
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record

TEMPLATE_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
MAX_NOTE = 200


def _texts_check(texts: dict[str, str], errors: dict[str, str]) -> dict[str, str]:
    cleaned = {}
    for code, text in texts.items():
        field = f"text_{code}"
        text = clean_blank((text or "").strip())
        problem = text_problem(text)
        if problem:
            errors[field] = problem
        elif len(text) > MAX_TEXT:
            errors[field] = _("Keep each question under %(max)s characters.") % {"max": MAX_TEXT}
        elif text and (category := screen(text)) is not None:
            errors[field] = line_message(category)
        cleaned[code] = text
    if not any(cleaned.values()) and not errors:
        errors["text_zh"] = _("Write the question in at least one language.")
    return cleaned


def _audit(actor, template: QuestionTemplate, action: str, channel: str, **extra: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="question_template",
        object_id=template.pk,
        channel=channel,
        detail={
            "key": template.key,
            "kind": template.kind,
            "area": template.area_id,
            "area_path": template.area.path,
            "texts": template.texts(),
            "active": template.active,
            **extra,
        },
    )


@transaction.atomic
def question_template_create(
    *,
    actor,
    area: Area,
    key: str,
    kind: str,
    answer: str = AnswerKind.YES_NO,
    text_zh: str = "",
    text_ug: str = "",
    text_en: str = "",
    need_category: str = NeedCategory.OTHER,
    channel: str,
) -> QuestionTemplate:
    """`area` from areas.selectors (in the actor's scope)."""
    require_role(actor, TEMPLATE_ROLES)
    errors: dict[str, str] = {}
    if actor.area_id is None or not area.is_within(actor.area):
        errors["area"] = _("That area is outside your own area.")
    if not re.match(KEY_PATTERN, key or ""):
        errors["key"] = _(
            "A key has 3 to 40 lower-case letters, digits or _, starting with a letter."
        )
    elif QuestionTemplate.objects.filter(key=key).exists():
        errors["key"] = _("This key cannot be used; choose another.")
    if kind not in QuestionKind.values:
        errors["kind"] = _("Choose a contact check-list or a welfare round.")
    if answer not in AnswerKind.values or (
        kind == QuestionKind.WELFARE and answer != AnswerKind.YES_NO
    ):
        errors["answer"] = _("Welfare rounds ask yes/no questions; check-lists also notes.")
    if need_category not in NeedCategory.values:
        errors["need_category"] = _("Choose a need category from the list.")
    texts = _texts_check({"zh": text_zh, "ug": text_ug, "en": text_en}, errors)
    if errors:
        raise ValidationError(errors)
    template = QuestionTemplate.objects.create(
        area=area,
        key=key,
        kind=kind,
        answer=answer,
        text_zh=texts["zh"],
        text_ug=texts["ug"],
        text_en=texts["en"],
        need_category=need_category,
        created_by=actor,
    )
    _audit(actor, template, AuditAction.CREATE, channel)
    return template


def _require_manages(actor, template: QuestionTemplate) -> None:
    require_role(actor, TEMPLATE_ROLES)
    if actor.area_id is None or not template.area.is_within(actor.area):
        raise ValidationError({"template": _("That template is outside your own area.")})


@transaction.atomic
def question_template_update(
    *,
    actor,
    template: QuestionTemplate,
    text_zh: str | None = None,
    text_ug: str | None = None,
    text_en: str | None = None,
    active: bool | None = None,
    channel: str,
) -> QuestionTemplate:
    """Reword (screened again) or retire/restore a template. Rounds already started
    keep the wording they started with (a copy in WelfareRound.checklist)."""
    _require_manages(actor, template)
    errors: dict[str, str] = {}
    given = {
        code: text
        for code, text in (("zh", text_zh), ("ug", text_ug), ("en", text_en))
        if text is not None
    }
    texts = _texts_check({**template.texts(), **given}, errors)
    if errors:
        raise ValidationError(errors)
    before = template.texts()
    was_active = template.active
    template.text_zh, template.text_ug, template.text_en = texts["zh"], texts["ug"], texts["en"]
    if active is not None:
        template.active = active
    template.save()
    _audit(
        actor,
        template,
        AuditAction.UPDATE,
        channel,
        before={"texts": before, "active": was_active},
    )
    return template


def templates_applying_to(area_path: str, kind: str):
    """Active templates of `kind` written for the area of `area_path` ("/1/7/42/", as
    Area.path and Household.area_path) or any area above it."""
    ancestors = [p for p in area_path.split("/") if p]
    return QuestionTemplate.objects.filter(
        kind=kind, active=True, area_id__in=[int(pk) for pk in ancestors]
    ).select_related("area")


def contact_checklist_clean(*, area_path: str, checklist: Any) -> dict[str, bool | str]:
    """A contact's check-list: keys of contact templates that apply to the household's
    area, each answered as its template says (yes/no, or a note of at most 200
    characters). Anything else is refused: the check-list is not free JSON."""
    if not checklist:
        return {}
    if not isinstance(checklist, dict):
        raise ValidationError({"checklist": _("The check-list must map questions to answers.")})
    templates = {
        t.key: t
        for t in templates_applying_to(area_path, QuestionKind.CONTACT).filter(
            key__in=list(checklist)
        )
    }
    errors: dict[str, str] = {}
    cleaned: dict[str, bool | str] = {}
    for key, value in checklist.items():
        template = templates.get(key)
        field = f"checklist.{key}"
        if template is None:
            errors[field] = _(
                "Not a question of the check-list. Supervisors add questions as templates."
            )
        elif template.answer == AnswerKind.YES_NO:
            if not isinstance(value, bool):
                errors[field] = _("Answer yes or no.")
            else:
                cleaned[key] = value
        elif not isinstance(value, str) or len(value) > MAX_NOTE or text_problem(value):
            errors[field] = _("Write a note of at most %(max)s characters.") % {"max": MAX_NOTE}
        else:
            cleaned[key] = value.strip()
    if errors:
        raise ValidationError(errors)
    return cleaned
