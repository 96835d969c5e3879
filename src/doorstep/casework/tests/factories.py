"""Casework test helpers on top of core.testing."""

from __future__ import annotations

from doorstep.accounts.models import Role
from doorstep.casework.models import Unit, UnitKind, UnitMember
from doorstep.casework.services import need_open
from doorstep.core.testing import make_user


def make_unit(*, name: str = "县人社局", kind: str = UnitKind.HUMAN_RESOURCES, **extra) -> Unit:
    return Unit.objects.create(name=name, kind=kind, **extra)


def make_responder(*, unit: Unit, area, username: str | None = None):
    user = make_user(role=Role.RESPONDER, area=area, username=username)
    UnitMember.objects.create(user=user, unit=unit)
    return user


def open_need(*, actor, household, urgency: str = "normal", category: str = "housing"):
    return need_open(
        actor=actor,
        household=household,
        category=category,
        urgency=urgency,
        title="屋顶漏雨",
        channel="test",
    )


def make_question(
    *, area, created_by, key: str = "blankets", kind: str = "welfare", text_en: str = "Blankets"
):
    """A question template (casework.questions), written straight to the table."""
    from doorstep.casework.questions import QuestionTemplate

    return QuestionTemplate.objects.create(
        area=area, key=key, kind=kind, text_en=text_en, text_zh="棉被", created_by=created_by
    )
