"""The administrator adds units (departments, service providers), their members and
twinnings, and adjusts service levels; everything else goes through the services."""

from django.contrib import admin

from doorstep.casework.models import ServiceLevel, Twinning, Unit, UnitMember, VisitPolicy


class UnitMemberInline(admin.TabularInline):
    model = UnitMember
    raw_id_fields = ["user"]
    extra = 0


class TwinningInline(admin.TabularInline):
    model = Twinning
    raw_id_fields = ["village"]
    extra = 0


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "accepts_referrals", "is_active"]
    list_filter = ["kind", "accepts_referrals", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["area"]
    inlines = [UnitMemberInline, TwinningInline]


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = [
        "category",
        "urgency",
        "acknowledge_hours",
        "resolve_hours",
        "supervisor_after_hours",
    ]
    list_filter = ["urgency"]


@admin.register(VisitPolicy)
class VisitPolicyAdmin(admin.ModelAdmin):
    # Read-only here: visit_policy_set also recomputes the area's schedules.
    list_display = ["area", "interval_days", "vulnerable_interval_days", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
