"""URL configuration: sign-in, the plan pages, the admin entry screens and the health check."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("plans/<str:year>/", views.plan_overview, name="plan-overview"),
    path("plans/", include("plans.urls")),
    path("plans/", include("kpis.urls")),
    path("admin/", admin.site.urls),
]
