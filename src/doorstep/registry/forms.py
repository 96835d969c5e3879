"""Forms of the registry pages. They parse and display; every write goes through
registry.services, and every rule that is not about the shape of one field lives there.

The area picker is a cascade of selects (one per level below the user's own area) so
that a county supervisor never loads thousands of villages at once. It works without
JavaScript: the form is submitted with every select, and the chain is read from the
top down, stopping at the first select that no longer belongs to the one above it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from doorstep.areas.models import Area
from doorstep.areas.selectors import areas_visible_to
from doorstep.core.languages import LanguagesField
from doorstep.core.validators import validate_not_negative
from doorstep.registry.models import (
    HOUSEHOLD_VULNERABILITIES,
    PERSON_VULNERABILITIES,
    Household,
    Relationship,
    Resident,
    Sex,
    Vulnerability,
)
from doorstep.registry.services import HOUSEHOLD_FIELDS, RESIDENT_FIELDS
from doorstep.registry.validators import (
    normalize_languages,
    normalize_phone,
    validate_birth_date,
    validate_id_number,
    validate_languages,
    validate_phone,
)

# --- the cascading area picker ---------------------------------------------------------


def area_from_chain(user, values: list[str]) -> Area | None:
    """The deepest area chosen in a cascade of selects, or None for "anywhere in scope".

    The first value may be any area in the caller's scope (a link can name one
    directly); each later value must be a child of the one before it, otherwise it is
    a leftover from a select above that changed, and the chain stops there.
    Raises ValueError on a value that is not a number, Http404 on an area outside scope.
    """
    ids: list[int] = []
    for value in values:
        value = (value or "").strip()
        if not value:
            break
        if not value.isdigit():
            raise ValueError(value)
        ids.append(int(value))
    if not ids:
        return None
    found = areas_visible_to(user).in_bulk(ids)
    if ids[0] not in found:
        raise Http404
    chosen = found[ids[0]]
    for area_id in ids[1:]:
        area = found.get(area_id)
        if area is None or area.parent_id != chosen.pk:
            break
        chosen = area
    return chosen


def area_picker_levels(user, selected: Area | None) -> list[dict[str, Any]]:
    """The selects to draw: for each level below the user's area, its options and choice.

    One query for the ancestors and one per level drawn (an area tree is at most six
    levels deep).
    """
    root = user.area
    if root is None:
        return []
    chain: list[Area] = []
    if selected is not None and selected.pk != root.pk:
        chain = [a for a in selected.ancestors() if a.is_within(root) and a.pk != root.pk]
        chain.append(selected)
    levels = []
    parent = root
    for chosen in [*chain, None]:
        options = list(Area.objects.filter(parent=parent).order_by("code").only("pk", "name"))
        if not options:
            break
        levels.append(
            {"parent": parent, "options": options, "selected": chosen.pk if chosen else None}
        )
        if chosen is None:
            break
        parent = chosen
    return levels


class AreaPicker(forms.Widget):
    template_name = "registry/widgets/area_picker.html"

    def __init__(self, user=None, attrs=None):
        super().__init__(attrs)
        self.user = user

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        return value if isinstance(value, list) else [value]

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        selected = value if isinstance(value, Area) else None
        if selected is None and value not in (None, "", []):
            try:
                selected = area_from_chain(
                    self.user, value if isinstance(value, list) else [str(value)]
                )
            except (ValueError, Http404):
                selected = None
        context["root"] = self.user.area
        context["levels"] = area_picker_levels(self.user, selected)
        return context


class AreaField(forms.Field):
    """An area inside the user's scope; empty means the user's own area."""

    def __init__(self, *, user, **kwargs):
        self.user = user
        kwargs.setdefault("widget", AreaPicker(user=user))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, Area):
            return value
        values = value if isinstance(value, list) else [value]
        try:
            return area_from_chain(self.user, [str(v) for v in values if v is not None])
        except (ValueError, Http404):
            raise ValidationError(_("Choose an area from the list."), code="invalid") from None

    def clean(self, value):
        return super().clean(value) or self.user.area

    def prepare_value(self, value):
        return value


# --- households ----------------------------------------------------------------------


def _snapshot(household: Household) -> dict[str, str]:
    """What a household looked like when a form was drawn, in comparable strings."""
    values = {name: _as_text(getattr(household, name)) for name in HOUSEHOLD_FIELDS}
    values["area"] = str(household.area_id)
    values["vulnerabilities"] = ",".join(_own_codes(household))
    return values


def _own_codes(household: Household) -> list[str]:
    """The household's own categories, fresh from the database (a conflict's record)."""
    return sorted(
        household.vulnerabilities.filter(
            resident__isnull=True, category__in=HOUSEHOLD_VULNERABILITIES
        ).values_list("category", flat=True)
    )


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Area):
        return str(value.pk)
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, list | tuple):
        return ",".join(sorted(str(v) for v in value))
    return str(value)


_SNAPSHOT_SALT = "doorstep.registry.household-form"


class HouseholdForm(forms.Form):
    household_no = forms.CharField(label=_("household number"), max_length=32)
    area = forms.Field(label=_("area"))  # replaced by an AreaField bound to the user
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("phone"), max_length=20, required=False, validators=[validate_phone]
    )
    languages = LanguagesField(label=_("preferred languages"), validators=[validate_languages])
    annual_income = forms.DecimalField(
        label=_("yearly income (yuan)"),
        max_digits=12,
        decimal_places=2,
        required=False,
        validators=[validate_not_negative],
    )
    latitude = forms.FloatField(label=_("latitude"), min_value=-90, max_value=90, required=False)
    longitude = forms.FloatField(
        label=_("longitude"), min_value=-180, max_value=180, required=False
    )
    vulnerabilities = forms.MultipleChoiceField(
        label=_("vulnerabilities"),
        choices=Vulnerability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Optimistic locking: the version the user started from, and what the record
    # looked like then (to tell the user what someone else changed meanwhile).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, household: Household | None = None, **kwargs):
        if household is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(household)
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"] = AreaField(user=user, label=_("area"), required=False)
        if household is None:
            del self.fields["version"]
            del self.fields["seen"]
            # A new household has only its head: a person's category is the head's.
            self.fields["vulnerabilities"].help_text = _(
                "A person's category (such as a disability) is recorded on the head; "
                "record other members' on each member."
            )
        else:
            # The household's own categories; a person's are edited on the member.
            self.fields["vulnerabilities"].choices = _household_choices()

    @staticmethod
    def initial_for(household: Household) -> dict[str, Any]:
        snapshot = _snapshot(household)
        initial: dict[str, Any] = {name: getattr(household, name) for name in HOUSEHOLD_FIELDS}
        initial["area"] = household.area
        initial["vulnerabilities"] = [v for v in snapshot["vulnerabilities"].split(",") if v]
        initial["version"] = household.version
        initial["seen"] = signing.dumps(snapshot, salt=_SNAPSHOT_SALT)
        return initial

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in HOUSEHOLD_FIELDS}
        for name in ("address", "phone", "languages"):
            data[name] = data[name] or ""
        return data

    def seen_snapshot(self) -> dict[str, str] | None:
        try:
            return signing.loads(self.data.get("seen", ""), salt=_SNAPSHOT_SALT)
        except signing.BadSignature:
            return None

    def _submitted_text(self) -> dict[str, str]:
        values = {name: _as_text(self.cleaned_data.get(name)) for name in HOUSEHOLD_FIELDS}
        values["phone"] = normalize_phone(values["phone"])
        values["languages"] = normalize_languages(values["languages"])
        values["vulnerabilities"] = _as_text(self.cleaned_data.get("vulnerabilities") or [])
        return values

    def after_conflict(self, current: Household) -> tuple[HouseholdForm, list[dict[str, str]]]:
        """A new form after someone else saved first, and the list of what they changed.

        Fields this user changed keep the user's input; fields only the other person
        changed take the saved value, so saving again loses neither person's work.
        """
        seen = self.seen_snapshot() or {}
        now = _snapshot(current)
        mine = self._submitted_text()
        theirs = [name for name in now if name in seen and seen[name] != now[name]]
        data = self.data.copy()
        initial = self.initial_for(current)
        for name in now:
            if name in seen and mine.get(name) == seen[name] and name in theirs:
                bound = self[name]
                value = initial[name]
                if name == "area":
                    data.setlist(name, [str(current.area_id)])
                elif name == "vulnerabilities":
                    data.setlist(name, value)
                else:
                    data[name] = bound.field.widget.format_value(value) or ""
        data["version"] = str(current.version)
        data["seen"] = initial["seen"]
        changes = [
            {"label": str(self.fields[name].label), "value": _display(current, name)}
            for name in theirs
        ]
        return HouseholdForm(data, user=self.user, household=current), changes


def _household_choices() -> list[tuple[str, Any]]:
    return [(v, label) for v, label in Vulnerability.choices if v in HOUSEHOLD_VULNERABILITIES]


def _person_choices() -> list[tuple[str, Any]]:
    return [(v, label) for v, label in Vulnerability.choices if v in PERSON_VULNERABILITIES]


def _display(household: Household, name: str) -> str:
    if name == "area":
        return household.area.name
    if name == "vulnerabilities":
        labels = dict(Vulnerability.choices)
        return ", ".join(str(labels[c]) for c in _own_codes(household))
    value = getattr(household, name)
    return "" if value is None else str(value)


# --- residents -----------------------------------------------------------------------


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=64)
    # No default: "head" preselected made every new member a second head.
    relationship = forms.ChoiceField(
        label=_("relationship to the head"), choices=[("", "—"), *Relationship.choices]
    )
    sex = forms.ChoiceField(label=_("sex"), choices=[("", "—"), *Sex.choices], required=False)
    birth_date = forms.DateField(
        label=_("birth date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_birth_date],
    )
    phone = forms.CharField(
        label=_("phone"), max_length=20, required=False, validators=[validate_phone]
    )
    id_number = forms.CharField(
        label=_("resident ID number"),
        max_length=18,
        required=False,
        validators=[validate_id_number],
    )
    occupation = forms.CharField(label=_("occupation"), max_length=100, required=False)
    skills = forms.CharField(label=_("skills"), max_length=255, required=False)
    # The member's own categories (issue #13); saving confirms inferred ones.
    vulnerabilities = forms.MultipleChoiceField(
        label=_("vulnerabilities"),
        choices=_person_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Optimistic locking, as HouseholdForm: the version the user started from.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, resident: Resident | None = None, head: bool = False, **kwargs):
        if resident is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(resident, name) for name in RESIDENT_FIELDS}
            kwargs["initial"]["vulnerabilities"] = resident.vulnerability_codes
            kwargs["initial"]["version"] = resident.version
        super().__init__(*args, **kwargs)
        if resident is None:
            del self.fields["version"]
        if head:
            # The head form inside "new household": its relationship is fixed, and its
            # categories are the household form's.
            del self.fields["relationship"]
            del self.fields["vulnerabilities"]

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in RESIDENT_FIELDS if name in self.fields}
        data["id_number"] = data.get("id_number") or None
        if "vulnerabilities" in self.fields:
            data["vulnerabilities"] = self.cleaned_data.get("vulnerabilities") or []
        return data


def add_service_errors(exc: ValidationError, *forms_: forms.Form) -> None:
    """Put a service's ValidationError next to the field it names, on the first form that
    has that field; errors naming no known field go to the top of the first form."""
    if not hasattr(exc, "error_dict"):
        forms_[0].add_error(None, exc.messages)
        return
    for field, messages in exc.message_dict.items():
        target = next((f for f in forms_ if field in f.fields), None)
        if target is None:
            forms_[0].add_error(None, messages)
        else:
            for message in messages:
                target.add_error(field, message)
