from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.areas.models import Area, AreaLevel
from doorstep.casework.services.pairings import pairing_capacity
from doorstep.pairing.services import MAX_WEIGHT_M

PLAN_LEVELS = [
    AreaLevel.REGION,
    AreaLevel.PREFECTURE,
    AreaLevel.COUNTY,
    AreaLevel.TOWNSHIP,
    AreaLevel.VILLAGE,
]


class PlanForm(forms.Form):
    area = forms.ModelChoiceField(label=_("area"), queryset=Area.objects.none())
    continuity_weight = forms.IntegerField(
        label=_("continuity weight (m)"),
        initial=2000,
        min_value=0,
        max_value=MAX_WEIGHT_M,
        help_text=_("A current pairing is kept unless a change saves more than this much travel."),
    )
    language_penalty = forms.IntegerField(
        label=_("no shared language (m)"), initial=5000, min_value=0, max_value=MAX_WEIGHT_M
    )
    skill_penalty = forms.IntegerField(
        label=_("skills do not fit the needs (m)"),
        initial=1000,
        min_value=0,
        max_value=MAX_WEIGHT_M,
    )
    capacity = forms.IntegerField(label=_("households per worker at most"), min_value=1)
    same_county = forms.BooleanField(label=_("same county only"), required=False)
    compare_greedy = forms.BooleanField(
        label=_("also compute the greedy baseline and the lower bound"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user.area_id:
            self.fields["area"].queryset = Area.objects.filter(
                path__startswith=user.area.path, level__in=PLAN_LEVELS
            ).order_by("path")
        self.fields["area"].initial = user.area_id
        # The casework limit is read at run time (settings may change it).
        self.fields["capacity"] = forms.IntegerField(
            label=_("households per worker at most"),
            min_value=1,
            max_value=pairing_capacity(),
            initial=pairing_capacity(),
        )


class TeamForm(forms.Form):
    area = forms.ModelChoiceField(label=_("area"), queryset=Area.objects.none(), required=False)
    team_max = forms.IntegerField(
        label=_("members per village at most"), initial=3, min_value=1, max_value=50
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user.area_id:
            self.fields["area"].queryset = Area.objects.filter(
                path__startswith=user.area.path,
                level__in=[
                    AreaLevel.COUNTY,
                    AreaLevel.TOWNSHIP,
                    AreaLevel.PREFECTURE,
                    AreaLevel.REGION,
                ],
            ).order_by("path")
