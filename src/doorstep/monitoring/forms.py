"""Forms of the monitoring pages: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.monitoring.models import (
    STEP_DECISIONS,
    MeasureKind,
    MonitoringType,
    PovertyStatus,
    ProposalKind,
    RiskKind,
)

DATE = forms.DateInput(attrs={"type": "date"})


class ProposalForm(forms.Form):
    kind = forms.ChoiceField(label=_("proposal"), choices=ProposalKind.choices)
    monitoring_type = forms.ChoiceField(
        label=_("monitoring type"), choices=[("", "—"), *MonitoringType.choices], required=False
    )
    risk_kinds = forms.MultipleChoiceField(
        label=_("risk kinds"),
        choices=RiskKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("what happened (after the visit)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class ResidentApplyForm(forms.Form):
    risk_kinds = forms.MultipleChoiceField(
        label=_("What has made life hard?"),
        choices=RiskKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Tell us a little more"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class ResubmitForm(forms.Form):
    """Amend a returned proposal: empty type or risk kinds keep the proposal's."""

    monitoring_type = forms.ChoiceField(
        label=_("monitoring type"), choices=[("", "—"), *MonitoringType.choices], required=False
    )
    risk_kinds = forms.MultipleChoiceField(
        label=_("risk kinds"),
        choices=RiskKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
    reason = forms.CharField(
        label=_("what was amended"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class StepForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"), choices=[(d.value, d.label) for d in STEP_DECISIONS]
    )
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    meeting_on = forms.DateField(label=_("meeting on"), widget=DATE, required=False)
    attendees = forms.IntegerField(label=_("attendees"), min_value=0, required=False)
    monitoring_type = forms.ChoiceField(
        label=_("monitoring type"), choices=[("", "—"), *MonitoringType.choices], required=False
    )


class ObjectionForm(forms.Form):
    received_on = forms.DateField(label=_("received on"), widget=DATE)
    summary = forms.CharField(
        label=_("what the objection says"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )


class MeasureForm(forms.Form):
    record = forms.ChoiceField(label=_("help"))
    description = forms.CharField(label=_("what help"), max_length=200)
    started_on = forms.DateField(label=_("from"), widget=DATE)

    def __init__(self, *args, records=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [
            (f"{MeasureKind.OTHER}:", MeasureKind.OTHER.label),
            *records,
        ]

    def clean_record(self):
        kind, _sep, pk = self.cleaned_data["record"].partition(":")
        return kind, int(pk) if pk.isdigit() else None


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("reviewed on"), widget=DATE)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("poverty status"),
        choices=[(s, PovertyStatus(s).label) for s in (PovertyStatus.NEVER, PovertyStatus.LIFTED)],
    )
    lifted_year = forms.IntegerField(label=_("lifted out of poverty in"), required=False)


class PolicyForm(forms.Form):
    village_review = forms.BooleanField(label=_("village review required"), required=False)
    township_review = forms.BooleanField(label=_("township review required"), required=False)
    notice_days = forms.IntegerField(label=_("public notice (days)"), min_value=1, max_value=60)
    stable_years = forms.IntegerField(
        label=_("years above the line before risk removal"), min_value=1, max_value=5
    )
    review_days = forms.IntegerField(label=_("review every (days)"), min_value=7, max_value=180)


class LineForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2013, max_value=2100)
    amount = forms.DecimalField(
        label=_("monitoring line (yuan per person a year)"),
        min_value=1,
        max_digits=10,
        decimal_places=2,
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("poverty status"), choices=[("", "—"), *PovertyStatus.choices], required=False
    )
    monitoring_type = forms.ChoiceField(
        label=_("monitoring type"), choices=[("", "—"), *MonitoringType.choices], required=False
    )
