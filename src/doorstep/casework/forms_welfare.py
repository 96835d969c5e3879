"""Forms of the welfare-check pages. They parse; the rules are the service's
(services.welfare), whose messages name the same fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.casework.models import ContactKind, NeedCategory, Urgency
from doorstep.casework.services.welfare import PRESETS, STANDARD_QUESTIONS
from doorstep.registry.models import Vulnerability


class RoundForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        from doorstep.registry.forms import AreaField

        super().__init__(*args, **kwargs)
        self.fields["area"] = AreaField(user=user, label=_("area"), required=False)
        # The round's own questions are templates (casework.questions), never free
        # text: a supervisor writes one, screened against the line, then rounds pick it.
        from doorstep.casework.selectors_questions import question_templates_visible_to

        self.fields["extra_questions"].choices = [
            (t.key, t.label())
            for t in question_templates_visible_to(user).filter(kind="welfare", active=True)
        ]
        self.order_fields(["name", "area"])

    # Not "name" (姓名, a person's name): the round's own name.
    name = forms.CharField(label=_("round name"), max_length=120, required=False)
    deadline = forms.DateField(
        label=_("deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    preset = forms.ChoiceField(
        label=_("who is checked"),
        required=False,
        choices=[("", _("Custom (below)")), *[(k, v[0]) for k, v in PRESETS.items()]],
    )
    categories = forms.MultipleChoiceField(
        label=_("households with any of these"),
        required=False,
        choices=Vulnerability.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    min_age = forms.IntegerField(label=_("aged at least"), required=False, min_value=0)
    max_age = forms.IntegerField(label=_("aged at most"), required=False, min_value=0)
    heads_only = forms.BooleanField(label=_("heads of household only"), required=False)
    checklist = forms.MultipleChoiceField(
        label=_("check-list"),
        required=False,
        choices=[(q.key, q.label) for q in STANDARD_QUESTIONS],
        initial=[q.key for q in STANDARD_QUESTIONS],
        widget=forms.CheckboxSelectMultiple,
    )
    extra_questions = forms.MultipleChoiceField(
        label=_("more questions (templates of your area)"),
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    interval_days = forms.IntegerField(
        label=_("also visit every household of the area every (days)"),
        required=False,
        min_value=1,
        help_text=_("Leave empty to check only the residents selected."),
    )

    def extra_list(self) -> list[str]:
        return list(self.cleaned_data.get("extra_questions") or [])


class CheckForm(forms.Form):
    """Reached (a yes/no per question) or not reached; built from the round's list."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[("done", _("Reached: answers below")), ("not_reached", _("Not reached"))],
        widget=forms.RadioSelect,
        initial="done",
    )
    kind = forms.ChoiceField(label=_("how"), choices=ContactKind.choices, initial="visit")
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    need_category = forms.ChoiceField(
        label=_("if a problem is found, the need's category"),
        required=False,
        choices=[("", _("From the question")), *NeedCategory.choices],
    )
    need_urgency = forms.ChoiceField(
        label=_("urgency"), choices=Urgency.choices, initial=Urgency.HIGH, required=False
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[f"q_{question.key}"] = forms.ChoiceField(
                label=question.label,
                required=False,
                choices=[("yes", _("Yes")), ("no", _("No"))],
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[str, bool]:
        if self.cleaned_data.get("outcome") != "done":
            return {}
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q_{question.key}")
            if value in ("yes", "no"):
                answers[question.key] = value == "yes"
        return answers
