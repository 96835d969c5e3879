"""Administrators lift sign-in lock-outs (delete the row) and reset a lost
authenticator (delete the device; the account enrols again at its next sign-in)."""

from django.contrib import admin

from doorstep.accounts.models import LoginThrottle, TwoFactorDevice


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    list_display = ("key", "failures", "window_started_at", "locked_until")
    search_fields = ("key",)
    readonly_fields = ("key", "failures", "window_started_at", "locked_until")

    def has_add_permission(self, request):
        return False


@admin.register(TwoFactorDevice)
class TwoFactorDeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "confirmed_at")
    search_fields = ("user__username",)
    readonly_fields = ("user", "confirmed_at")
    exclude = ("secret",)

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        from doorstep.accounts.two_factor import device_reset

        device_reset(user=obj.user)
