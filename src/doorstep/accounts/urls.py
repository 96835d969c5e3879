from django.contrib.auth import views as auth_views
from django.urls import path

from doorstep.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("two-factor/enrol/", views.two_factor_enrol_view, name="two_factor_enrol"),
]
