from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from questionnaires.models import AuditEvent, InstrumentVersion, Service, StaffUser


@admin.register(StaffUser)
class StaffUserAdmin(UserAdmin):
    # UserAdmin always sets fieldsets; its stub allows None.
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Service", {"fields": ("service",)}))
    list_display = ("username", "first_name", "last_name", "service", "is_active")
    list_filter = ("service", "groups", "is_active")


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "contact_line")


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "is_current", "is_demo", "has_unverified_numbers")
    readonly_fields = [f.name for f in InstrumentVersion._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        # New versions come only through `manage.py import_instrument`, which validates them.
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "actor", "object_type", "object_id")
    list_filter = ("action",)
    readonly_fields = ("at", "action", "actor", "object_type", "object_id", "detail")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
