from django.urls import path

from portal.staff import account_views, caseload_views, family_views, invitation_views

app_name = "staff"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("login", account_views.StaffLoginView.as_view(), name="login"),
    path("logout", account_views.StaffLogoutView.as_view(), name="logout"),
    path("caseload", caseload_views.caseload, name="caseload"),
    # The original families list is the caseload: the old address and name keep working.
    path("families", caseload_views.caseload, name="families"),
    path("families/new", family_views.family_new, name="family_new"),
    path("families/<uuid:family_id>", family_views.family_detail, name="family_detail"),
    path(
        "families/<uuid:family_id>/report.pdf",
        family_views.family_report,
        name="family_report_pdf",
    ),
    path(
        "episodes/<uuid:episode_id>/invitations",
        invitation_views.invitation_issue,
        name="invitation_issue",
    ),
    path("episodes/<uuid:episode_id>/loaf", family_views.loaf_record, name="loaf_record"),
    path(
        "invitations/<uuid:invitation_id>/resend",
        invitation_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "invitations/<uuid:invitation_id>/revoke",
        invitation_views.invitation_revoke,
        name="invitation_revoke",
    ),
]
