from django.urls import path

from portal.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("login", views.StaffLoginView.as_view(), name="login"),
    path("logout", views.StaffLogoutView.as_view(), name="logout"),
    path("caseload", views.caseload, name="caseload"),
    # The original families list is the caseload: the old address and name keep working.
    path("families", views.caseload, name="families"),
    path("families/new", views.family_new, name="family_new"),
    path("families/<uuid:family_id>", views.family_detail, name="family_detail"),
    path(
        "families/<uuid:family_id>/report.pdf",
        views.family_report_pdf,
        name="family_report_pdf",
    ),
    path(
        "episodes/<uuid:episode_id>/invitations",
        views.invitation_issue,
        name="invitation_issue",
    ),
    path("episodes/<uuid:episode_id>/loaf", views.loaf_record, name="loaf_record"),
    path(
        "invitations/<uuid:invitation_id>/resend",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "invitations/<uuid:invitation_id>/revoke",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
