from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from doorstep.areas.models import subtree_range
from doorstep.registry.search_keys import name_search_key
from doorstep.registry.validators import (
    parse_id_number,
    validate_languages,
    validate_latitude,
    validate_longitude,
    validate_phone,
)


class Vulnerability(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("Elderly living alone")
    LEFT_BEHIND_SENIOR = "left_behind_senior", _("Left-behind senior")
    WIDOWED_ELDERLY = "widowed_elderly", _("Widowed elderly")
    DISABILITY = "disability", _("Person with disability")
    SERIOUS_ILLNESS = "serious_illness", _("Serious illness")
    LOW_INCOME = "low_income", _("Low income / minimum living allowance")
    FIVE_GUARANTEE = "five_guarantee", _("Five-guarantee household")
    UNEMPLOYED = "unemployed", _("Unemployed member")
    LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child")


# Issue #13: most categories describe one person and are recorded on that resident;
# only these two describe the household as a whole. Welfare rounds check the person
# (not their grandchildren), the household's categories check every member.
HOUSEHOLD_VULNERABILITIES: tuple[str, ...] = (
    Vulnerability.LOW_INCOME,
    Vulnerability.FIVE_GUARANTEE,
)
PERSON_VULNERABILITIES: tuple[str, ...] = tuple(
    v for v in Vulnerability.values if v not in HOUSEHOLD_VULNERABILITIES
)
# Categories the 0006 migration gave the eldest member, and the youngest child.
ELDERLY_VULNERABILITIES: tuple[str, ...] = (
    Vulnerability.ELDERLY_ALONE,
    Vulnerability.LEFT_BEHIND_SENIOR,
    Vulnerability.WIDOWED_ELDERLY,
)


def is_person_vulnerability(category: str) -> bool:
    return category in PERSON_VULNERABILITIES


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


def households_under(area, *, via: str = "") -> models.Q:
    """Households in `area`'s subtree, as a range on their copy of the area path.

    The one way to say "households under this area": it walks the household_scope_order
    index with no join to areas. `via` prefixes the lookups for a related model's query,
    e.g. `Need.objects.filter(households_under(area, via="household__"))`.
    """
    low, high = subtree_range(area.path)
    return models.Q(**{f"{via}area_path__gte": low, f"{via}area_path__lt": high})


class ProgrammeStatus(models.TextChoices):
    IN_PROGRAMME = "active", _("In the programme")
    LEFT = "left", _("Left the programme")


class HouseholdQuerySet(models.QuerySet):
    def within(self, area) -> HouseholdQuerySet:
        return self.filter(households_under(area))


class Household(models.Model):
    household_no = models.CharField(_("household number"), max_length=32, unique=True)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="households"
    )
    # The area's path ("/1/7/42/"), copied so that scoping and the list's order are
    # one index range on this table: "every household of this county, in order" is
    # then a range scan that stops after a page, at any scope. Written by save() and
    # by every bulk writer (importer, synth); areas never move once households exist.
    area_path = models.CharField(max_length=255, editable=False, default="")
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[validate_latitude]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[validate_longitude]
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    # Comma-separated codes. Kept only to send a worker who speaks the language.
    languages = models.CharField(
        _("preferred languages"), max_length=64, blank=True, validators=[validate_languages]
    )
    annual_income = models.DecimalField(
        _("yearly income (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # Retention (privacy.retention): a household that has left the programme is
    # anonymised DOORSTEP_RETENTION_DAYS after `left_on`. db_default, so that the bulk
    # writers (COPY with an explicit column list) need not know these columns.
    programme_status = models.CharField(
        _("programme status"),
        max_length=8,
        choices=ProgrammeStatus.choices,
        default=ProgrammeStatus.IN_PROGRAMME,
        db_default=ProgrammeStatus.IN_PROGRAMME,
    )
    left_on = models.DateField(_("left the programme on"), null=True, blank=True)
    # Set once by the retention task: names, phones, ID numbers, address, free text
    # cleared; the row stays so that counts by area and category stay true.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped on every edit: a form or API call carrying an older version is refused
    # instead of overwriting someone else's change.
    version = models.PositiveIntegerField(default=1)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [
            models.Index(fields=["area", "household_no"], name="household_area_no"),
            # Scope and list order: a path range (areas.models.subtree_range) ORDER BY
            # area_path, household_no walks this index and stops after one page, and
            # the keyset cursor's row comparison uses it too (so: default opclass).
            models.Index(fields=["area_path", "household_no"], name="household_scope_order"),
            models.Index(
                fields=["household_no"],
                name="household_no_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
            # Pattern ops: phone search is a prefix match (LIKE '138%').
            models.Index(
                fields=["phone"], name="household_phone_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # The retention task's work list: households that left and are not yet
            # anonymised (a small partial index, whatever the registry's size).
            models.Index(
                fields=["left_on"],
                condition=models.Q(programme_status="left", anonymised_at__isnull=True),
                name="household_left_to_anonymise",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(annual_income__isnull=True) | models.Q(annual_income__gte=0),
                name="household_income_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(programme_status="active", left_on__isnull=True)
                | models.Q(programme_status="left", left_on__isnull=False),
                name="household_left_on_with_status",
            ),
        ]

    def __str__(self) -> str:
        return self.household_no

    def save(self, *args, **kwargs) -> None:
        # Derived, not business logic: keeps area_path true for every ORM write path.
        if self.area_id is not None:
            self.area_path = self.area.path
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "area_path"}
        super().save(*args, **kwargs)

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def own_vulnerabilities(self) -> list[HouseholdVulnerability]:
        """The household's own categories (low income, five-guarantee), and a person's
        category the migration could give to nobody (no residents). Uses the
        prefetched `vulnerabilities` when there is one."""
        return [v for v in self.vulnerabilities.all() if v.resident_id is None]

    @property
    def every_vulnerability(self) -> list[HouseholdVulnerability]:
        """One row per category held by the household or any member (for summaries)."""
        seen: dict[str, HouseholdVulnerability] = {}
        for v in self.vulnerabilities.all():
            seen.setdefault(v.category, v)
        return [seen[c] for c in sorted(seen)]

    @property
    def own_vulnerability_codes(self) -> list[str]:
        return sorted(
            v.category for v in self.own_vulnerabilities if v.category in HOUSEHOLD_VULNERABILITIES
        )


class HouseholdVulnerability(models.Model):
    """One vulnerability category of a household, or of one of its residents.

    A row per category (not a bitmask or JSON) so that "all elderly living alone in
    this county" is an index lookup on both SQLite and PostgreSQL. A person's category
    (PERSON_VULNERABILITIES) names the resident; a household's (HOUSEHOLD_VULNERABILITIES)
    names none. `household` is always set (for a resident's row it is the resident's
    household: residents never change household), so "households with a category" stays
    one index lookup. `inferred`: the resident was chosen by the 0006 migration (the
    head, the eldest, the youngest child), not by a worker; a person's row without a
    resident is a migrated category of a household that had no residents.
    """

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="vulnerabilities"
    )
    resident = models.ForeignKey(
        "Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="vulnerabilities",
        # The partial unique index on (resident, category) serves lookups by resident.
        db_index=False,
    )
    category = models.CharField(_("category"), max_length=24, choices=Vulnerability.choices)
    # db_default: the bulk writers (COPY with an explicit column list) need not know it.
    inferred = models.BooleanField(
        _("member inferred, to be confirmed"), default=False, db_default=False
    )

    class Meta:
        verbose_name = _("vulnerability")
        verbose_name_plural = _("vulnerabilities")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "category"],
                condition=models.Q(resident__isnull=True),
                name="vulnerability_once",
            ),
            models.UniqueConstraint(
                fields=["resident", "category"],
                condition=models.Q(resident__isnull=False),
                name="vulnerability_once_per_resident",
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=HOUSEHOLD_VULNERABILITIES, resident__isnull=True)
                | models.Q(category__in=PERSON_VULNERABILITIES, resident__isnull=False)
                | models.Q(
                    category__in=PERSON_VULNERABILITIES, resident__isnull=True, inferred=True
                ),
                name="vulnerability_person_or_household",
            ),
        ]
        indexes = [models.Index(fields=["category", "household"], name="vulnerability_category")]

    def __str__(self) -> str:
        return self.get_category_display()


class Resident(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="residents"
    )
    name = models.CharField(_("name"), max_length=64)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    relationship = models.CharField(
        _("relationship to the head"), max_length=12, choices=Relationship.choices
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    # NULL, not "", when absent: the unique constraint must allow many residents without one.
    id_number = models.CharField(
        _("resident ID number"), max_length=18, null=True, blank=True, unique=True
    )
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    skills = models.CharField(_("skills"), max_length=255, blank=True)
    # Derived from `name` by registry.search_keys.name_search_key: the name compacted,
    # its pinyin and initials (Han) or its Latin spelling (Uyghur), for search by part
    # of a name. Written by save(), by resident_update's UPDATE, by the bulk writers
    # (importer, synth) and cleared with the name by privacy.retention. Trigram-indexed
    # on PostgreSQL (migration 0010). db_default: a COPY that omits it stays valid.
    name_search = models.TextField(editable=False, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped on every edit, as Household.version: an edit from an older version is a
    # 409 with the fields that changed, never a silent overwrite. A database default
    # too: the importer and synth write residents by COPY without this column.
    version = models.PositiveIntegerField(default=1, db_default=1)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(relationship="head"),
                name="one_head_per_household",
            ),
        ]
        indexes = [
            models.Index(
                # With household_id in the index a name-prefix search answers
                # from the index alone (a covering index would vanish on SQLite).
                fields=["name", "household"],
                name="resident_name_household",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
            models.Index(
                fields=["phone"], name="resident_phone_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # Derived, not business logic (as Household.area_path): keeps the search key
        # true for every ORM write path, factories and fixtures included.
        self.name_search = name_search_key(self.name or "")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_search"}
        super().save(*args, **kwargs)

    @property
    def vulnerability_codes(self) -> list[str]:
        """The resident's own categories (prefetched `vulnerabilities` when there is one)."""
        return sorted(v.category for v in self.vulnerabilities.all())

    @property
    def inferred_vulnerability_codes(self) -> list[str]:
        """Categories the 0006 migration gave this member, for a worker to confirm."""
        return sorted(v.category for v in self.vulnerabilities.all() if v.inferred)

    def clean(self) -> None:
        if self.id_number:
            try:
                birth, sex = parse_id_number(self.id_number)
            except ValidationError as exc:
                raise ValidationError({"id_number": exc.messages}) from None
            errors = {}
            if self.birth_date and self.birth_date != birth:
                errors["birth_date"] = _(
                    "The birth date does not agree with the resident ID number."
                )
            if self.sex and self.sex != sex:
                errors["sex"] = _("The sex does not agree with the resident ID number.")
            if errors:
                raise ValidationError(errors)


class ImportJob(models.Model):
    """One run of the household importer over an uploaded file: a dry run, or the real
    import of a file whose dry run came back clean. The page polls it for progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    # Path of the upload under MEDIA_ROOT; deleted once a real run has finished.
    file = models.CharField(_("file"), max_length=255)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=True)
    # The dry run a real run follows: the page offers "Import" on a clean dry run.
    source = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Messages are written in the language of whoever started the job.
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    residents = models.PositiveIntegerField(default=0)
    vulnerabilities = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # At most importing.ERROR_CAP entries of {"row", "column", "message"}; the total is error_count.
    errors = models.JSONField(default=list, blank=True)
    # Cells imported but worth a look (formula-like text), same shape as errors.
    warnings = models.JSONField(default=list, blank=True)
    written = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written by the running task at least every IMPORT_HEARTBEAT; a running job whose
    # heartbeat is older than DOORSTEP_IMPORT_STALE_SECONDS is failed by housekeeping.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["user", "created_at"], name="importjob_user_created")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
