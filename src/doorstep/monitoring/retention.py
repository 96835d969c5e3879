"""Free text of the procedure cleared when privacy.retention anonymises a household
(registered from apps.py): the proposal's words, reasons (and what a resubmitted proposal
said before), objections, help and review notes. Statuses, types, dates and counts stay, so the figures do not change."""

from __future__ import annotations

from doorstep.monitoring.models import (
    HelpMeasure,
    HouseholdPoverty,
    Objection,
    Proposal,
    Review,
    StatusChange,
    Step,
)


def anonymise(household_ids) -> None:
    ids = list(household_ids)
    HouseholdPoverty.objects.filter(household_id__in=ids).update(risk_removed_reason="")
    StatusChange.objects.filter(household_id__in=ids).update(reason="")
    Proposal.objects.filter(household_id__in=ids).update(
        note="",
        note_code="",
        note_params={},
        events="",
        returned_reason="",
        proposed_by_resident=None,
    )
    # A resubmission's `previous` holds the old note, figures and returned reason.
    Step.objects.filter(proposal__household_id__in=ids).update(reason="", previous=None)
    Objection.objects.filter(proposal__household_id__in=ids).update(summary="")
    HelpMeasure.objects.filter(household_id__in=ids).update(description="")
    Review.objects.filter(household_id__in=ids).update(note="")
