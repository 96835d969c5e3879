"""The administrator sets up offices, responders with their contact lists, holidays and
service levels; calls, rosters and hazards go through the services and pages."""

from django.contrib import admin

from doorstep.hotline.models import CallServiceLevel, Holiday, Office, Responder, ResponderContact


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "phone", "min_officers"]
    search_fields = ["name", "code"]
    raw_id_fields = ["area"]


class ResponderContactInline(admin.TabularInline):
    model = ResponderContact
    extra = 1
    ordering = ["on_call_order", "pk"]


@admin.register(Responder)
class ResponderAdmin(admin.ModelAdmin):
    list_display = ["name", "office", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    exclude = ["contact_name", "phone"]  # superseded by the contact list
    filter_horizontal = ["members"]
    inlines = [ResponderContactInline]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["kind", "starts_on", "ends_on"]


@admin.register(CallServiceLevel)
class CallServiceLevelAdmin(admin.ModelAdmin):
    list_display = ["category", "acknowledge_minutes", "arrive_minutes", "resolve_minutes"]
