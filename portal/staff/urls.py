from django.urls import path

from portal.staff import views

app_name = "staff"

urlpatterns = [
    path("", views.home, name="home"),
    path("login", views.StaffLoginView.as_view(), name="login"),
    path("logout", views.StaffLogoutView.as_view(), name="logout"),
]
