"""URL configuration: sign-in, the plan pages, the admin entry screens and the health check."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from config import sign_in, views
from core import views as core_views
from plans import urls as plan_urls
from plans import views as plan_views

# The plans app's pages and the project page, which combines plans with the risk register: one
# namespace, plans:..., without plans importing the risks app.
plan_pages = [
    path("<str:year>/projects/<int:pk>/", views.project_page, name="project"),
    *plan_urls.urlpatterns,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=sign_in.SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/stay-signed-in/", sign_in.stay_signed_in, name="stay-signed-in"),
    path("my-work/", views.my_work, name="my-work"),
    path("strategies/<int:pk>/", plan_views.strategy_page, name="strategy"),
    path("plans/<str:year>/", views.plan_overview, name="plan-overview"),
    path("plans/", include((plan_pages, plan_urls.app_name))),
    path("plans/", include("kpis.urls")),
    path("plans/", include("risks.urls")),
    path("plans/", include("budgets.urls")),
    path("reports/", include("reports.urls")),
    path(
        "history/<str:app_label>/<str:model_name>/<int:pk>/",
        core_views.full_history_page,
        name="history",
    ),
    # One sign-in page for everyone: the admin's own is replaced by the application's, keeping
    # the page to return to (?next=...).
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="login", query_string=True)),
        name="admin-login",
    ),
    # The register's entry screens moved with it from plans to risks: old links and bookmarks
    # still arrive.
    re_path(
        r"^admin/plans/(?P<model>risk|mitigatingaction)/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/risks/%(model)s/%(rest)s", query_string=True),
    ),
    path("admin/", admin.site.urls),
]

# The one refusal page, saying why (core.refusals).
handler403 = "core.refusals.refusal_page"
