"""The admin site, for administrators (the `admin` role, least privilege) and superusers.

An administrator manages their own service's staff accounts — names, roles, deactivation, and
resetting a lost authenticator — and nothing else: they cannot make anyone a superuser, give
Django permissions, or move an account to another service; only a superuser can (AZ-2)."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest

from questionnaires.models import AuditEvent, InstrumentVersion, Service, StaffUser
from questionnaires.roles import Role
from questionnaires.services import mfa

PERSONAL = (None, {"fields": ("username", "password")})
NAMES = ("Name", {"fields": ("first_name", "last_name", "email")})
ROLES = ("Roles", {"fields": ("is_active", "groups")})
DATES = ("Dates", {"fields": ("last_login", "date_joined")})


@admin.register(StaffUser)
class StaffUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "service", "is_active")
    list_filter = ("groups", "is_active")
    actions = ["reset_authenticator"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            superuser_only = ("Superuser", {"fields": ("service", "is_staff", "is_superuser")})
            return (PERSONAL, NAMES, ROLES, superuser_only, DATES)
        return (PERSONAL, NAMES, ROLES, DATES)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("last_login", "date_joined")

    def get_queryset(self, request: HttpRequest) -> QuerySet[StaffUser]:
        found = super().get_queryset(request)
        if request.user.is_superuser:
            return found
        return found.filter(service_id=getattr(request.user, "service_id", None))

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=[role.value for role in Role])
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not request.user.is_superuser:
            # An administrator's accounts stay in their service, never superusers.
            obj.service_id = getattr(request.user, "service_id", None)
            obj.is_superuser = False
        super().save_model(request, obj, form, change)

    @admin.action(description="Reset the authenticator app (the person sets up a new one)")
    def reset_authenticator(self, request: HttpRequest, queryset: QuerySet[StaffUser]) -> None:
        actor = request.user if isinstance(request.user, StaffUser) else None
        for user in queryset:
            mfa.reset(user, actor)
        messages.success(request, f"{queryset.count()} authenticator(s) reset.")


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

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        # AZ-2: an administrator reads their own service's trail only (the authorization
        # matrix caught the admin site showing every service's events to any administrator).
        found = super().get_queryset(request)
        if request.user.is_superuser:
            return found
        return found.filter(service_id=getattr(request.user, "service_id", None))

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
