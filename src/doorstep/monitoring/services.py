"""Every write of the monitoring procedure: keyword-only, atomic, audited.

Refusals: a step out of order raises StepRefused (409 in the API, a message on the
page); a role or level that may not take it, PermissionDenied (403); bad input,
ValidationError naming the field (422). Scope (404) is the selectors' job: callers
pass records they fetched through monitoring.selectors or registry.selectors.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.casework.models import UNRESOLVED, Assistance, Need
from doorstep.casework.services.common import require_role
from doorstep.core.texts import Text, stored_columns
from doorstep.livelihoods.models import (
    Enrolment,
    FlagStatus,
    HouseholdYear,
    LifeEvent,
    MicroLoan,
    Placement,
    RelapseFlag,
)
from doorstep.monitoring import rules
from doorstep.monitoring.models import (
    OPEN_STAGES,
    STEP_DECISIONS,
    CountyPolicy,
    Decision,
    HelpMeasure,
    HouseholdPoverty,
    MeasureKind,
    MonitoringLine,
    MonitoringType,
    Objection,
    PovertyStatus,
    Proposal,
    ProposalKind,
    ProposalSource,
    Review,
    RiskKind,
    Stage,
    StatusChange,
    Step,
)
from doorstep.monitoring.texts import WATCH_PROPOSAL
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.models import Household

EVENTS_LOOKBACK = dt.timedelta(days=365)
# Relapse-watch rules → the risk kinds of the proposal they lead to.
RULE_RISKS = {
    "income_below": RiskKind.INCOME_DROP,
    "income_drop": RiskKind.INCOME_DROP,
    "medical_share": RiskKind.ILLNESS,
    "illness_disability": RiskKind.ILLNESS,
    "job_lost": RiskKind.UNEMPLOYMENT,
    "disaster": RiskKind.DISASTER,
}


class StepRefused(Exception):
    """The step cannot be taken now (out of order, or the record's state forbids it)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _audit(actor, action, obj, *, household_id, channel, detail=None, resident_id=None):
    audit_record(
        actor=actor,
        action=action,
        object_type=f"monitoring.{type(obj).__name__.lower()}",
        object_id=obj.pk,
        household_id=household_id,
        channel=channel,
        detail=detail,
        by_resident_id=resident_id,
    )


def _clean_risks(risk_kinds, *, required: bool) -> str:
    codes = [c for c in dict.fromkeys(risk_kinds or []) if c]
    valid = set(RiskKind.values)
    if any(c not in valid for c in codes):
        raise ValidationError({"risk_kinds": _("Choose risk kinds from the list.")})
    if required and not codes:
        raise ValidationError({"risk_kinds": _("Choose at least one risk kind.")})
    return ",".join(sorted(codes, key=RiskKind.values.index))


def _clean_type(monitoring_type: str) -> str:
    if monitoring_type and monitoring_type not in MonitoringType.values:
        raise ValidationError({"monitoring_type": _("Choose a monitoring type from the list.")})
    return monitoring_type or ""


def _not_future(day: dt.date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})


def current_status(household) -> HouseholdPoverty:
    return HouseholdPoverty.objects.filter(household=household).first() or HouseholdPoverty(
        household=household, status=PovertyStatus.NEVER
    )


def _county(household: Household):
    county = rules.county_of(household.area)
    if county is None:
        raise ValidationError(_("The household's area belongs to no county."))
    return county


def supporting_figures(household: Household, county) -> dict:
    """The latest year's figures and the line of that year, and the year's events."""
    year = HouseholdYear.objects.filter(household=household).order_by("-year").first()
    since = timezone.localdate() - EVENTS_LOOKBACK
    events = LifeEvent.objects.filter(household=household, occurred_on__gte=since).order_by(
        "occurred_on"
    )
    return {
        "figures_year": year.year if year else None,
        "income_per_person": year.income_per_person if year else None,
        "medical_spending": year.medical_spending if year else None,
        "monitoring_line": rules.line_for(county, year.year) if year else None,
        "events": "; ".join(f"{e.get_kind_display()} {e.occurred_on.isoformat()}" for e in events)[
            :300
        ],
    }


def removal_blockers(household: Household, county=None) -> list[str]:
    """Why the risk cannot be removed yet: empty when the latest years' income per person
    stayed above the line for the county's period and no need is unresolved."""
    county = county or _county(household)
    policy = rules.policy_for(county)
    blockers = []
    years = list(
        HouseholdYear.objects.filter(household=household).order_by("-year")[: policy.stable_years]
    )
    lines = dict(
        MonitoringLine.objects.filter(county=county, year__in=[y.year for y in years]).values_list(
            "year", "amount"
        )
    )
    if len(years) < policy.stable_years or any(
        y.year not in lines or y.income_per_person <= lines[y.year] for y in years
    ):
        blockers.append(
            _("Income per person has not stayed above the monitoring line for %(n)s year(s).")
            % {"n": policy.stable_years}
        )
    if Need.objects.filter(household=household, status__in=UNRESOLVED).exists():
        blockers.append(_("The household still has unresolved needs."))
    return blockers


@transaction.atomic
def proposal_create(
    *,
    household: Household,
    kind: str,
    source: str,
    channel: str,
    actor=None,
    resident=None,
    monitoring_type: str = "",
    risk_kinds=(),
    note: str | Text = "",
) -> Proposal:
    """A proposal by a worker (actor), the household itself (resident) or the relapse
    watch (neither). It starts at the county's first step; nothing is decided here."""
    if source == ProposalSource.RESIDENT:
        if resident is None or resident.household_id != household.pk:
            raise PermissionDenied(_("Your role does not allow this."))
    elif source == ProposalSource.WORKER:
        require_role(actor, rules.FIELD_ROLES)
    elif source != ProposalSource.WATCH:
        raise ValidationError({"source": _("Unknown source.")})
    if kind not in ProposalKind.values:
        raise ValidationError({"kind": _("Choose what is proposed.")})
    note_columns = stored_columns("note", note) if isinstance(note, Text) else {}
    note = note_columns.get("note") or (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": _("At most %(max)s characters.") % {"max": 2000}})
    monitoring_type = _clean_type(monitoring_type)
    risks = _clean_risks(risk_kinds, required=kind == ProposalKind.ENTER)
    Household.objects.select_for_update().filter(pk=household.pk).first()
    if Proposal.objects.filter(household=household, stage__in=OPEN_STAGES).exists():
        raise StepRefused(_("This household already has a proposal in progress."))
    status = current_status(household)
    county = _county(household)
    if kind == ProposalKind.ENTER and status.status == PovertyStatus.MONITORED:
        raise StepRefused(_("This household is already monitored."))
    if kind == ProposalKind.REMOVE:
        if status.status != PovertyStatus.MONITORED:
            raise StepRefused(_("Only a monitored household's risk can be removed."))
        blockers = removal_blockers(household, county)
        if blockers:
            raise StepRefused(" ".join(blockers))
        monitoring_type = monitoring_type or status.monitoring_type
        risks = risks or status.risk_kinds
    policy = rules.policy_for(county)
    proposal = Proposal(
        household=household,
        county=county,
        kind=kind,
        source=source,
        monitoring_type=monitoring_type,
        risk_kinds=risks,
        note=note,
        note_code=note_columns.get("note_code", ""),
        note_params=note_columns.get("note_params", {}),
        proposed_by=actor if source == ProposalSource.WORKER else None,
        proposed_by_resident=resident if source == ProposalSource.RESIDENT else None,
        stage=rules.stages_for(policy)[0],
        **supporting_figures(household, county),
    )
    _start_notice_if_due(proposal, policy)
    proposal.save()
    _audit(
        actor,
        AuditAction.CREATE,
        proposal,
        household_id=household.pk,
        channel=channel,
        detail={"kind": kind, "source": source},
        resident_id=getattr(resident, "pk", None),
    )
    return proposal


def _start_notice_if_due(proposal: Proposal, policy: CountyPolicy) -> None:
    if proposal.stage == Stage.NOTICE:
        today = timezone.localdate()
        proposal.notice_starts_on = today
        proposal.notice_ends_on = rules.notice_ends(today, policy.notice_days)


@transaction.atomic
def step_take(
    *,
    actor,
    proposal: Proposal,
    stage: str,
    decision: str,
    channel: str,
    reason: str = "",
    meeting_on: dt.date | None = None,
    attendees: int | None = None,
    monitoring_type: str = "",
) -> Step:
    """Take the proposal's current step. Approval moves it to the county's next step
    (the notice starts the day the village agrees; the county's approval changes the
    household's status); a return ends it with the reason."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if stage not in rules.stages_for(rules.policy_for(proposal.county)) and stage in OPEN_STAGES:
        raise StepRefused(_("This county does not take this step."))
    if proposal.stage != stage:
        if not proposal.is_open:
            raise StepRefused(_("This proposal is no longer in progress."))
        raise StepRefused(
            _("This proposal is at the step “%(current)s”; “%(step)s” cannot be taken now.")
            % {"current": proposal.get_stage_display(), "step": Stage(stage).label}
            if stage in Stage.values
            else _("Unknown step.")
        )
    if not rules.may_take(actor, stage):
        raise PermissionDenied(rules.refusal_for_role(stage))
    if decision not in STEP_DECISIONS:
        raise ValidationError({"decision": _("Choose agree or return.")})
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise ValidationError({"reason": _("At most %(max)s characters.") % {"max": 2000}})
    if decision == Decision.RETURN and not reason:
        raise ValidationError({"reason": _("Say why the proposal is returned.")})
    if monitoring_type:
        proposal.monitoring_type = _clean_type(monitoring_type)
    today = timezone.localdate()
    if stage == Stage.VILLAGE_REVIEW:
        if meeting_on is None:
            raise ValidationError({"meeting_on": _("Give the date of the village meeting.")})
        _not_future(meeting_on, "meeting_on")
        if attendees is None or attendees < 1:
            raise ValidationError({"attendees": _("Count the attendees of the meeting.")})
        if attendees > 5000:
            raise ValidationError({"attendees": _("At most %(max)s.") % {"max": 5000}})
    else:
        meeting_on, attendees = None, None
    if stage == Stage.NOTICE and decision == Decision.APPROVE:
        if proposal.notice_ends_on and today < proposal.notice_ends_on:
            raise StepRefused(
                _("The notice runs until %(date)s; close it after that.")
                % {"date": proposal.notice_ends_on.isoformat()}
            )
        if proposal.objections.exists() and not reason:
            raise ValidationError(
                {"reason": _("There are objections: say why the proposal goes on.")}
            )
    if (
        stage == Stage.COUNTY_DECISION
        and decision == Decision.APPROVE
        and proposal.kind == ProposalKind.ENTER
        and not proposal.monitoring_type
    ):
        raise ValidationError({"monitoring_type": _("Choose the monitoring type.")})
    step = Step.objects.create(
        proposal=proposal,
        stage=stage,
        decision=decision,
        reason=reason,
        meeting_on=meeting_on,
        attendees=attendees,
        actor=actor,
    )
    policy = rules.policy_for(proposal.county)
    if decision == Decision.RETURN:
        proposal.stage = Stage.RETURNED
        proposal.returned_reason = reason
        proposal.decided_at = timezone.now()
    else:
        proposal.stage = rules.next_stage(policy, stage)
        _start_notice_if_due(proposal, policy)
        if proposal.stage == Stage.APPROVED:
            proposal.decided_at = timezone.now()
            _apply(proposal, actor=actor, policy=policy, reason=reason)
    proposal.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        proposal,
        household_id=proposal.household_id,
        channel=channel,
        detail={"step": stage, "decision": decision},
    )
    return step


def _restart_stage(proposal: Proposal, policy: CountyPolicy, *, type_changed: bool) -> str:
    """Where a resubmitted proposal re-enters the procedure: the step that returned it
    looks at it again (the levels below it agreed, and their steps stay in the
    history). When the amendment changes the proposed monitoring type and that step
    comes after the notice, the notice is posted again, since the village was shown
    the old type. A step the county no longer takes: its first step."""
    stages = rules.stages_for(policy)
    returned = (
        Step.objects.filter(proposal=proposal, decision=Decision.RETURN).order_by("-at", "-pk")
    ).first()
    stage = returned.stage if returned is not None else stages[0]
    if stage not in stages:
        return stages[0]
    if type_changed and stages.index(stage) > stages.index(Stage.NOTICE):
        return Stage.NOTICE
    return stage


def _money(value) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def proposal_resubmit(
    *,
    actor,
    proposal: Proposal,
    channel: str,
    reason: str,
    monitoring_type: str = "",
    risk_kinds=(),
    note: str | None = None,
) -> Step:
    """Amend a returned proposal and send it back into the procedure (see
    _restart_stage). The figures are copied afresh; what the proposal said before,
    with the reason it was returned, is kept on the resubmission's step."""
    require_role(actor, rules.FIELD_ROLES)
    Household.objects.select_for_update().filter(pk=proposal.household_id).first()
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.stage != Stage.RETURNED:
        raise StepRefused(_("Only a returned proposal can be amended and resubmitted."))
    if (
        Proposal.objects.filter(
            household_id=proposal.household_id, created_at__gt=proposal.created_at
        )
        .exclude(pk=proposal.pk)
        .exists()
    ):
        raise StepRefused(_("The household has a newer proposal; this one stays returned."))
    if Proposal.objects.filter(household_id=proposal.household_id, stage__in=OPEN_STAGES).exists():
        raise StepRefused(_("This household already has a proposal in progress."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what was amended.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("At most %(max)s characters.") % {"max": 2000}})
    note = proposal.note if note is None else note.strip()
    if len(note) > 2000:
        raise ValidationError({"note": _("At most %(max)s characters.") % {"max": 2000}})
    monitoring_type = _clean_type(monitoring_type) or proposal.monitoring_type
    risks = _clean_risks(risk_kinds, required=False) or proposal.risk_kinds
    household = proposal.household
    status = current_status(household)
    if proposal.kind == ProposalKind.ENTER and status.status == PovertyStatus.MONITORED:
        raise StepRefused(_("This household is already monitored."))
    if proposal.kind == ProposalKind.REMOVE:
        if status.status != PovertyStatus.MONITORED:
            raise StepRefused(_("Only a monitored household's risk can be removed."))
        blockers = removal_blockers(household, proposal.county)
        if blockers:
            raise StepRefused(" ".join(blockers))
    previous = {
        "monitoring_type": proposal.monitoring_type,
        "risk_kinds": [c for c in proposal.risk_kinds.split(",") if c],
        "note": proposal.note,
        "figures_year": proposal.figures_year,
        "income_per_person": _money(proposal.income_per_person),
        "monitoring_line": _money(proposal.monitoring_line),
        "medical_spending": _money(proposal.medical_spending),
        "events": proposal.events,
        "returned_reason": proposal.returned_reason,
    }
    policy = rules.policy_for(proposal.county)
    stage = _restart_stage(
        proposal, policy, type_changed=monitoring_type != proposal.monitoring_type
    )
    proposal.monitoring_type = monitoring_type
    proposal.risk_kinds = risks
    proposal.note = note
    for name, value in supporting_figures(household, proposal.county).items():
        setattr(proposal, name, value)
    proposal.stage = stage
    proposal.returned_reason = ""
    proposal.decided_at = None
    stages = rules.stages_for(policy)
    if stage == Stage.NOTICE:
        _start_notice_if_due(proposal, policy)
    elif stages.index(stage) < stages.index(Stage.NOTICE):
        proposal.notice_starts_on = proposal.notice_ends_on = None
    proposal.save()
    step = Step.objects.create(
        proposal=proposal,
        stage=stage,
        decision=Decision.RESUBMIT,
        reason=reason,
        actor=actor,
        previous=previous,
    )
    _audit(
        actor,
        AuditAction.UPDATE,
        proposal,
        household_id=proposal.household_id,
        channel=channel,
        detail={"resubmitted_at": stage},
    )
    return step


def _apply(proposal: Proposal, *, actor, policy: CountyPolicy, reason: str) -> None:
    today = timezone.localdate()
    status = current_status(proposal.household)
    if proposal.kind == ProposalKind.ENTER:
        status.status = PovertyStatus.MONITORED
        status.monitored_since = today
        status.monitoring_type = proposal.monitoring_type
        status.risk_kinds = proposal.risk_kinds
        status.risk_removed_on = None
        status.risk_removed_reason = ""
        status.next_review_on = today + dt.timedelta(days=policy.review_days)
    else:
        status.status = PovertyStatus.RISK_REMOVED
        status.risk_removed_on = today
        status.risk_removed_reason = reason or proposal.note
        status.next_review_on = None
    status.save()
    StatusChange.objects.create(
        household=proposal.household,
        status=status.status,
        lifted_year=status.lifted_year,
        monitoring_type=status.monitoring_type,
        risk_kinds=status.risk_kinds,
        effective_on=today,
        reason=reason or proposal.note,
        proposal=proposal,
        changed_by=actor,
    )


@transaction.atomic
def objection_record(
    *, actor, proposal: Proposal, received_on: dt.date, summary: str, channel: str
) -> Objection:
    require_role(actor, rules.FIELD_ROLES)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.stage != Stage.NOTICE:
        raise StepRefused(_("Objections are recorded while the notice is posted."))
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Say what the objection is.")})
    if len(summary) > 1000:
        raise ValidationError({"summary": _("At most %(max)s characters.") % {"max": 1000}})
    if received_on is None:
        raise ValidationError({"received_on": _("Give the date.")})
    _not_future(received_on, "received_on")
    if proposal.notice_starts_on and received_on < proposal.notice_starts_on:
        raise ValidationError({"received_on": _("This is before the notice was posted.")})
    objection = Objection.objects.create(
        proposal=proposal, received_on=received_on, summary=summary, recorded_by=actor
    )
    _audit(
        actor, AuditAction.CREATE, objection, household_id=proposal.household_id, channel=channel
    )
    return objection


def _measure_record(kind: str, record_id: int | None, household: Household) -> dict:
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": _("Choose what kind of help.")})
    if kind == MeasureKind.OTHER:
        return {}
    if record_id is None:
        raise ValidationError({"record_id": _("Choose the record of the help.")})
    found = (
        {
            MeasureKind.NEED: Need.objects.filter(household=household),
            MeasureKind.ASSISTANCE: Assistance.objects.filter(need__household=household),
            MeasureKind.PLACEMENT: Placement.objects.filter(household=household),
            MeasureKind.ENROLMENT: Enrolment.objects.filter(household=household),
            MeasureKind.LOAN: MicroLoan.objects.filter(business__household=household),
        }[kind]
        .filter(pk=record_id)
        .first()
    )
    if found is None:
        raise ValidationError({"record_id": _("This record is not one of the household's.")})
    return {kind: found}


@transaction.atomic
def measure_record(
    *,
    actor,
    household: Household,
    kind: str,
    description: str,
    started_on: dt.date,
    channel: str,
    record_id: int | None = None,
) -> HelpMeasure:
    require_role(actor, rules.FIELD_ROLES)
    status = current_status(household)
    if status.status != PovertyStatus.MONITORED:
        raise StepRefused(_("Help measures are recorded for monitored households."))
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Say what help is given.")})
    if len(description) > 200:
        raise ValidationError({"description": _("At most %(max)s characters.") % {"max": 200}})
    if started_on is None:
        raise ValidationError({"started_on": _("Give the date.")})
    _not_future(started_on, "started_on")
    link = _measure_record(kind, record_id, household)
    proposal = (
        Proposal.objects.filter(household=household, kind=ProposalKind.ENTER, stage=Stage.APPROVED)
        .order_by("-decided_at")
        .first()
    )
    measure = HelpMeasure.objects.create(
        household=household,
        proposal=proposal,
        kind=kind,
        description=description,
        started_on=started_on,
        recorded_by=actor,
        **link,
    )
    _audit(actor, AuditAction.CREATE, measure, household_id=household.pk, channel=channel)
    return measure


@transaction.atomic
def review_record(
    *, actor, household: Household, reviewed_on: dt.date, note: str, channel: str
) -> Review:
    require_role(actor, rules.FIELD_ROLES)
    status = HouseholdPoverty.objects.select_for_update().filter(household=household).first()
    if status is None or status.status != PovertyStatus.MONITORED:
        raise StepRefused(_("Reviews are recorded for monitored households."))
    if reviewed_on is None:
        raise ValidationError({"reviewed_on": _("Give the date.")})
    _not_future(reviewed_on, "reviewed_on")
    note = (note or "").strip()
    if len(note) > 2000:
        raise ValidationError({"note": _("At most %(max)s characters.") % {"max": 2000}})
    review = Review.objects.create(
        household=household, reviewed_on=reviewed_on, note=note, reviewed_by=actor
    )
    policy = rules.policy_for(_county(household))
    status.next_review_on = reviewed_on + dt.timedelta(days=policy.review_days)
    status.save(update_fields=["next_review_on", "updated_at"])
    _audit(actor, AuditAction.CREATE, review, household_id=household.pk, channel=channel)
    return review


@transaction.atomic
def status_set(
    *,
    actor,
    household: Household,
    status: str,
    channel: str,
    lifted_year: int | None = None,
    reason: str = "",
) -> HouseholdPoverty:
    """Record a status by hand or from an import: never registered, or lifted out of
    poverty in a year. Monitoring and risk removal go only through the procedure."""
    require_role(actor, rules.STATUS_ROLES)
    if status not in (PovertyStatus.NEVER, PovertyStatus.LIFTED):
        raise ValidationError(
            {"status": _("Monitoring and risk removal are decided through the procedure.")}
        )
    if status == PovertyStatus.LIFTED:
        if lifted_year is None or not 2013 <= lifted_year <= timezone.localdate().year:
            raise ValidationError(
                {"lifted_year": _("Give the year the household was lifted out of poverty.")}
            )
    else:
        lifted_year = None
    current = HouseholdPoverty.objects.select_for_update().filter(household=household).first()
    if current and current.status in (PovertyStatus.MONITORED, PovertyStatus.RISK_REMOVED):
        raise StepRefused(
            _("This household has been through the procedure; its status changes only there.")
        )
    current = current or HouseholdPoverty(household=household)
    current.status = status
    current.lifted_year = lifted_year
    current.save()
    StatusChange.objects.create(
        household=household,
        status=status,
        lifted_year=lifted_year,
        effective_on=timezone.localdate(),
        reason=(reason or "")[:2000],
        changed_by=actor,
    )
    _audit(actor, AuditAction.UPDATE, current, household_id=household.pk, channel=channel)
    return current


def _require_county_scope(actor, county) -> None:
    require_role(actor, rules.COUNTY_ROLES)
    if actor.area is None or not (county.pk == actor.area_id or county.is_within(actor.area)):
        raise PermissionDenied(_("This county is outside your area."))


@transaction.atomic
def policy_update(
    *,
    actor,
    county,
    village_review: bool,
    township_review: bool,
    notice_days: int,
    stable_years: int,
    review_days: int,
    channel: str,
) -> CountyPolicy:
    _require_county_scope(actor, county)
    policy = rules.policy_for(county)
    policy.village_review = village_review
    policy.township_review = township_review
    policy.notice_days = notice_days
    policy.stable_years = stable_years
    policy.review_days = review_days
    policy.updated_by = actor
    policy.full_clean(exclude=["county", "updated_by"])
    policy.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="monitoring.countypolicy",
        object_id=county.pk,
        channel=channel,
    )
    return policy


@transaction.atomic
def line_set(*, actor, county, year: int, amount: Decimal, channel: str) -> MonitoringLine:
    _require_county_scope(actor, county)
    line = MonitoringLine.objects.filter(county=county, year=year).first() or MonitoringLine(
        county=county, year=year
    )
    line.amount = amount
    line.set_by = actor
    line.full_clean(exclude=["county", "set_by"], validate_unique=False)
    line.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="monitoring.monitoringline",
        object_id=line.pk,
        channel=channel,
    )
    return line


def watch_propose() -> int:
    """The relapse watch proposes, never decides: a household with open flags, not
    monitored, without a proposal since its earliest open flag, gets one proposal
    (risk kinds from the flags' rules). Returns how many were made."""
    made = 0
    flags: dict[int, list] = {}
    for flag in (
        RelapseFlag.objects.filter(status=FlagStatus.OPEN)
        .select_related("rule")
        .order_by("household_id", "raised_at")
    ):
        flags.setdefault(flag.household_id, []).append(flag)
    if not flags:
        return 0
    skip = set(
        HouseholdPoverty.objects.filter(
            household_id__in=flags, status=PovertyStatus.MONITORED
        ).values_list("household_id", flat=True)
    )
    for household in Household.objects.filter(pk__in=flags).exclude(pk__in=skip):
        mine = flags[household.pk]
        if Proposal.objects.filter(household=household, created_at__gte=mine[0].raised_at).exists():
            continue
        status = current_status(household)
        kind_of_type = (
            MonitoringType.EDGE if status.status == PovertyStatus.NEVER else MonitoringType.UNSTABLE
        )
        try:
            proposal_create(
                household=household,
                kind=ProposalKind.ENTER,
                source=ProposalSource.WATCH,
                channel="task:monitoring.watch_propose",
                monitoring_type=kind_of_type,
                risk_kinds=[RULE_RISKS.get(f.rule.kind, RiskKind.OTHER) for f in mine],
                note=Text(WATCH_PROPOSAL),
            )
        except (StepRefused, ValidationError):
            continue
        made += 1
    return made
