"""Reads of question templates (casework.questions) and of their change history.

Templates are not personal data: staff read those that apply to their area (written
for it or above it) and, supervisors and administrators, those written below it. The
history is the audit log's template events whose area lies in the caller's subtree, so
a prefecture supervisor sees every change a county supervisor made."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from doorstep.accounts.models import Role
from doorstep.casework.questions import QuestionTemplate
from doorstep.privacy.models import AuditEvent

READER_ROLES = frozenset({Role.WORKER, Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})
MANAGER_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def _staff(user, roles) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in roles
        and user.area_id is not None
    )


def question_templates_visible_to(user) -> QuerySet[QuestionTemplate]:
    if not _staff(user, READER_ROLES):
        return QuestionTemplate.objects.none()
    ancestors = [int(pk) for pk in user.area.path.split("/") if pk]
    scope = Q(area_id__in=ancestors)
    if user.role in MANAGER_ROLES:
        scope |= Q(area__path__startswith=user.area.path)
    return QuestionTemplate.objects.filter(scope).select_related("area").order_by("kind", "key")


def question_template_managed_by(user, template_id: int) -> QuestionTemplate:
    """A template written for the manager's area or below it; anything else is 404."""
    if not _staff(user, MANAGER_ROLES):
        raise Http404
    template = (
        QuestionTemplate.objects.select_related("area")
        .filter(pk=template_id, area__path__startswith=user.area.path)
        .first()
    )
    if template is None:
        raise Http404
    return template


def question_template_changes_for(user, *, limit: int = 200) -> QuerySet[AuditEvent]:
    """Every creation and change of a template in the caller's subtree, newest first:
    how a supervisor sees what the supervisors below them asked."""
    if not _staff(user, MANAGER_ROLES):
        return AuditEvent.objects.none()
    return (
        AuditEvent.objects.filter(
            object_type="question_template", detail__area_path__startswith=user.area.path
        )
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
