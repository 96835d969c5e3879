"""/api/v1/portal/monitoring: the household's own poverty-monitoring status and its
application to be monitored, for the resident's app.

Under the portal's bearer token (portal.api.PortalAuth): the resident sees and applies
for their own household only. Labels and refusals come in the language asked for
(Accept-Language: zh-hans, en, ug). Writes take an Idempotency-Key like the portal's
other writes (portal.api's `_portal_write`, keys per resident). The same service as
the portal page (/resident/monitoring/apply/) and the workers' proposals; the worker
and the village take it from there.

What the resident is shown of a proposal: what was proposed, by which way in, where it
stands and why it was returned — not the supporting figures or a worker's note."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema

from doorstep.core.schemas import Text, error_responses
from doorstep.monitoring import services
from doorstep.monitoring.models import (
    OPEN_STAGES,
    MonitoringType,
    PovertyStatus,
    Proposal,
    ProposalKind,
    ProposalSource,
    RiskKind,
    risk_labels,
)
from doorstep.portal.api import IdempotencyKey, PortalAuth, _portal_write

router = Router(auth=PortalAuth())
CHANNEL = "api:v1:portal:monitoring"


class PortalChoiceOut(Schema):
    key: str
    label: str


class PortalApplicationOut(Schema):
    id: int
    kind: str
    kind_label: str
    source: str
    source_label: str
    stage: str
    stage_label: str
    in_progress: bool
    risk_kinds: list[str]
    risk_labels: list[str]
    note: str = Field(description="The household's own words; empty on a worker's proposal.")
    created_at: dt.datetime
    notice_ends_on: dt.date | None
    decided_at: dt.datetime | None
    returned_reason: str


class PortalMonitoringOut(Schema):
    status: str
    status_label: str
    monitored_since: dt.date | None
    monitoring_type: str
    monitoring_type_label: str
    risk_removed_on: dt.date | None
    may_apply: bool = Field(description="No proposal in progress and not monitored.")
    applications: list[PortalApplicationOut]
    risk_kind_choices: list[PortalChoiceOut]


class PortalApplicationIn(Schema):
    risk_kinds: list[Text] = Field(
        max_length=9, description="What has made life hard: risk kind codes (see choices)."
    )
    note: Text = Field("", max_length=2000, description="A few words more, optional.")


def _application(p: Proposal) -> dict:
    return {
        "id": p.pk,
        "kind": p.kind,
        "kind_label": str(p.get_kind_display()),
        "source": p.source,
        "source_label": str(p.get_source_display()),
        "stage": p.stage,
        "stage_label": str(p.get_stage_display()),
        "in_progress": p.is_open,
        "risk_kinds": [c for c in p.risk_kinds.split(",") if c],
        "risk_labels": risk_labels(p.risk_kinds),
        "note": p.note if p.source == ProposalSource.RESIDENT else "",
        "created_at": p.created_at,
        "notice_ends_on": p.notice_ends_on,
        "decided_at": p.decided_at,
        "returned_reason": p.returned_reason,
    }


def _own(resident) -> dict:
    household = resident.household
    status = services.current_status(household)
    proposals = list(Proposal.objects.filter(household=household).order_by("-created_at", "-pk"))
    return {
        "status": status.status,
        "status_label": str(PovertyStatus(status.status).label),
        "monitored_since": status.monitored_since,
        "monitoring_type": status.monitoring_type,
        "monitoring_type_label": (
            str(MonitoringType(status.monitoring_type).label) if status.monitoring_type else ""
        ),
        "risk_removed_on": status.risk_removed_on,
        "may_apply": status.status != PovertyStatus.MONITORED
        and not any(p.stage in OPEN_STAGES for p in proposals),
        "applications": [_application(p) for p in proposals],
        "risk_kind_choices": [{"key": k, "label": str(v)} for k, v in RiskKind.choices],
    }


@router.get(
    "",
    response={200: PortalMonitoringOut, **error_responses()},
    summary="The household's poverty-monitoring status and its applications",
)
def monitoring_get(request):
    return _own(request.auth)


@router.post(
    "/applications",
    response={201: PortalApplicationOut, **error_responses(409)},
    summary="Apply to be monitored: the household's own proposal",
    description=(
        "Starts the procedure at the county's first step (village review, or the "
        "notice). 409 while another proposal is in progress or when the household is "
        "already monitored; 422 naming the field on bad input."
    ),
)
def application_create(
    request, payload: PortalApplicationIn, idempotency_key: IdempotencyKey = None
):
    resident = request.auth

    def run():
        try:
            p = services.proposal_create(
                household=resident.household,
                resident=resident,
                kind=ProposalKind.ENTER,
                source=ProposalSource.RESIDENT,
                risk_kinds=payload.risk_kinds,
                note=payload.note,
                channel=CHANNEL,
            )
        except services.StepRefused as exc:
            return 409, {"detail": exc.message, "errors": []}
        return 201, PortalApplicationOut.model_validate(_application(p)).model_dump(mode="json")

    return _portal_write(request, idempotency_key, payload, run)
