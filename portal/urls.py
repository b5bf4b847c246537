from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from portal import health_views, notify_callback_views, views

# DEP-2, AUTH-3: the admin site too needs the second factor, not only a password.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/worker", health_views.worker, name="healthz_worker"),
    path("notify/callback", notify_callback_views.callback, name="notify_callback"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("privacy", views.privacy, name="privacy"),
    path("staff/groups/", include("portal.staff.group_urls")),
    path("staff/", include("portal.staff.urls")),
    path("", include("portal.parents.urls")),
    # DEP-2: the admin lives at a configurable, non-default path.
    path(settings.ADMIN_PATH, admin.site.urls),
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
