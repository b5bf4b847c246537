from django.urls import path

from portal.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("login", views.StaffLoginView.as_view(), name="login"),
    path("logout", views.StaffLogoutView.as_view(), name="logout"),
    path("families", views.family_list, name="families"),
    path("families/new", views.family_new, name="family_new"),
    path("families/<uuid:family_id>", views.family_detail, name="family_detail"),
    path(
        "episodes/<uuid:episode_id>/invitations",
        views.invitation_issue,
        name="invitation_issue",
    ),
    path(
        "invitations/<uuid:invitation_id>/revoke",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]
