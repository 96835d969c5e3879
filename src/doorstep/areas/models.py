from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    REGION = "region", _("Region")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township / subdistrict")
    VILLAGE = "village", _("Village / community")
    GRID = "grid", _("Grid")


LEVEL_ORDER = [level.value for level in AreaLevel]
# Households live in a village/community or in one of its grids.
HOUSEHOLD_LEVELS = {AreaLevel.VILLAGE.value, AreaLevel.GRID.value}


def subtree_range(path: str) -> tuple[str, str]:
    """[low, high) bounds of every path below and including `path`.

    Paths are ASCII ("/1/7/42/"), so a byte range is a prefix match that a default
    B-tree serves under any collation; "/1/7/" → ["/1/7/", "/1/70"), as "0" follows "/".
    """
    return path, path[:-1] + chr(ord(path[-1]) + 1)


class AreaQuerySet(models.QuerySet):
    def within(self, area: Area) -> AreaQuerySet:
        """The subtree rooted at `area`, itself included."""
        return self.filter(path__startswith=area.path)


class Area(models.Model):
    """One unit of the administrative hierarchy, region down to grid.

    `path` is the chain of ancestor ids ("/1/7/42/"), so a subtree is one prefix
    match on an indexed column; scoping of every personal-data query relies on it.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, default="")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # True where the record is not official data: generated grids, and coordinates
    # placed around a county centre because no licensed source has them.
    is_generated = models.BooleanField(_("generated"), default=False)
    coordinates_generated = models.BooleanField(_("coordinates generated"), default=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code"]
        indexes = [
            # varchar_pattern_ops makes LIKE 'prefix%' use the index whatever the
            # database collation; other backends ignore opclasses.
            models.Index(
                fields=["path"], name="area_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["parent", "name"], name="area_parent_name"),
            models.Index(fields=["level"], name="area_level"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        if self.parent is not None:
            parent_rank = LEVEL_ORDER.index(self.parent.level)
            if LEVEL_ORDER.index(self.level) <= parent_rank:
                raise ValidationError({"level": _("An area must sit below its parent's level.")})
        elif self.level != AreaLevel.REGION:
            raise ValidationError({"parent": _("Only a region may have no parent.")})
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise ValidationError({"latitude": _("Latitude must be between -90 and 90.")})
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise ValidationError({"longitude": _("Longitude must be between -180 and 180.")})

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def ancestors(self) -> list[Area]:
        """Root first, self excluded (one query)."""
        ids = self.ancestor_ids[:-1]
        by_id = Area.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def is_within(self, other: Area) -> bool:
        return self.path.startswith(other.path)
