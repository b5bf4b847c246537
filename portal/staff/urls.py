from django.urls import path

from portal.staff import (
    account_views,
    audit_views,
    caseload_views,
    contact_views,
    export_views,
    family_views,
    invitation_views,
    messaging_settings_views,
    mfa_views,
    outcomes_views,
    overdue_views,
    passkey_views,
    reach_views,
    retention_views,
    staff_account_views,
    subject_access_views,
)

app_name = "staff"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("login", account_views.StaffLoginView.as_view(), name="login"),
    path("logout", account_views.StaffLogoutView.as_view(), name="logout"),
    path("password", account_views.password_change, name="password_change"),
    path("mfa/setup", mfa_views.setup, name="mfa_setup"),
    path("mfa/recovery-codes", mfa_views.recovery_codes, name="mfa_recovery_codes"),
    path("mfa/verify", mfa_views.verify, name="mfa_verify"),
    # AUTH-3: passkeys, through django-otp-webauthn's ceremonies (JSON, called by its script).
    path("mfa/passkeys/add", passkey_views.add, name="passkey_add"),
    path(
        "mfa/passkeys/registration/begin",
        passkey_views.BeginRegistration.as_view(),
        name="passkey_registration_begin",
    ),
    path(
        "mfa/passkeys/registration/complete",
        passkey_views.CompleteRegistration.as_view(),
        name="passkey_registration_complete",
    ),
    path(
        "mfa/passkeys/authentication/begin",
        passkey_views.BeginAuthentication.as_view(),
        name="passkey_authentication_begin",
    ),
    path(
        "mfa/passkeys/authentication/complete",
        passkey_views.CompleteAuthentication.as_view(),
        name="passkey_authentication_complete",
    ),
    path("caseload", caseload_views.caseload, name="caseload"),
    # Issue 14: a parent's contact details and the end (T2) date; families waiting for T2.
    path("episodes/<uuid:episode_id>/contact", contact_views.contact_save, name="contact_save"),
    path("episodes/<uuid:episode_id>/t2", contact_views.t2_save, name="t2_save"),
    path("overdue-t2", overdue_views.overdue_t2_list, name="overdue_t2"),
    # MSG-5: the service's reminder days, most reminders, sending hours and T2 weeks (lead).
    path(
        "messaging-settings",
        messaging_settings_views.messaging_settings_page,
        name="messaging_settings",
    ),
    # LOG-3: the service's audit trail, for its lead and administrator (CSV with ?download=csv).
    path("audit", audit_views.audit_trail, name="audit"),
    # The MHSDS-shaped scores export, for the service lead (docs/mhsds.md).
    path("exports/mhsds.csv", export_views.mhsds_csv, name="mhsds_csv"),
    # Service outcomes (issue 13): the page, the evaluation files and the commissioners' PDF.
    path("outcomes", outcomes_views.outcomes, name="outcomes"),
    path("outcomes/report.pdf", outcomes_views.outcomes_report_pdf, name="outcomes_pdf"),
    path(
        "outcomes/export.<str:file_format>",
        outcomes_views.outcomes_export,
        name="outcomes_export",
    ),
    # RET-1: how long each kind of record is kept, read-only, for the lead and administrator.
    path("retention", retention_views.retention, name="retention"),
    # Staff accounts of the service, for its administrator (no clinical data).
    path("accounts", staff_account_views.account_list, name="accounts"),
    path("accounts/new", staff_account_views.account_new, name="account_new"),
    path("accounts/<int:staff_id>", staff_account_views.account_detail, name="account_detail"),
    path(
        "accounts/<int:staff_id>/active",
        staff_account_views.account_active,
        name="account_active",
    ),
    path(
        "accounts/<int:staff_id>/reset-authenticator",
        staff_account_views.account_reset_mfa,
        name="account_reset_mfa",
    ),
    # The original families list is the caseload: the old address and name keep working.
    path("families", caseload_views.caseload, name="families"),
    path("families/new", family_views.family_new, name="family_new"),
    path("families/<uuid:family_id>", family_views.family_detail, name="family_detail"),
    path(
        "families/<uuid:family_id>/report.pdf",
        family_views.family_report,
        name="family_report_pdf",
    ),
    path("families/<uuid:family_id>/fhir.json", family_views.family_fhir, name="family_fhir"),
    # Referral details for the service outcomes (issue 13).
    path("families/<uuid:family_id>/reach", reach_views.family_reach, name="family_reach"),
    # A family's data rights, for the service lead only (SAR-1, SAR-2, SAR-3, SAR-4).
    path(
        "families/<uuid:family_id>/subject-access.json",
        subject_access_views.subject_access_json,
        name="subject_access_json",
    ),
    path(
        "families/<uuid:family_id>/subject-access.pdf",
        subject_access_views.subject_access_pdf_view,
        name="subject_access_pdf",
    ),
    path(
        "families/<uuid:family_id>/correct",
        subject_access_views.family_correct,
        name="family_correct",
    ),
    path("families/<uuid:family_id>/erase", subject_access_views.family_erase, name="family_erase"),
    path(
        "families/<uuid:family_id>/erase/confirm",
        subject_access_views.family_erase_confirm,
        name="family_erase_confirm",
    ),
    path(
        "episodes/<uuid:episode_id>/invitations",
        invitation_views.invitation_issue,
        name="invitation_issue",
    ),
    path("episodes/<uuid:episode_id>/loaf", family_views.loaf_record, name="loaf_record"),
    path(
        "episodes/<uuid:episode_id>/baseline",
        family_views.baseline_choose,
        name="baseline_choose",
    ),
    # The baby has arrived: record the birth, then offer the postnatal baseline link.
    path("episodes/<uuid:episode_id>/birth", family_views.birth_record, name="birth_record"),
    path(
        "episodes/<uuid:episode_id>/postnatal-baseline",
        family_views.postnatal_baseline_offer,
        name="postnatal_baseline_offer",
    ),
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
