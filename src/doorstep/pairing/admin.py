"""Villages' development needs and members' skills are entered here by administrators
(the work-team page and API read them); plans are shown read-only."""

from django.contrib import admin

from doorstep.pairing.models import MemberSkill, PairingPlan, VillageNeed


@admin.register(VillageNeed)
class VillageNeedAdmin(admin.ModelAdmin):
    list_display = ("village", "need", "priority")
    list_filter = ("need", "priority")
    raw_id_fields = ("village",)


@admin.register(MemberSkill)
class MemberSkillAdmin(admin.ModelAdmin):
    list_display = ("member", "skill", "years")
    list_filter = ("skill",)
    raw_id_fields = ("member",)


@admin.register(PairingPlan)
class PairingPlanAdmin(admin.ModelAdmin):
    list_display = ("pk", "area", "status", "created_by", "created_at", "applied_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in PairingPlan._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # plans are made by the page, the API or manage.py pair
