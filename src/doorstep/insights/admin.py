"""Supervisors and administrators set the targets reports compare figures with."""

from django.contrib import admin

from doorstep.insights.models import Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["metric", "area", "value"]
    list_filter = ["metric"]
    raw_id_fields = ["area"]
