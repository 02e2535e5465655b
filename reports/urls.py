"""Addresses of the quarterly Leadership Team performance report, under /reports/."""

from django.urls import path

from reports import explain_views, revision_views, views

app_name = "reports"

urlpatterns = [
    path("<str:year>/q<int:number>/", views.quarter, name="quarter"),
    path("<str:year>/q<int:number>.xlsx", views.quarter_workbook, name="quarter-workbook"),
    path(
        "<str:year>/q<int:number>/preparation/",
        views.quarter_preparation,
        name="preparation",
    ),
    path("<str:year>/q<int:number>/sign-off/", views.sign_off, name="sign-off"),
    path("<str:year>/q<int:number>/reopen/", views.reopen, name="reopen"),
    path(
        "<str:year>/q<int:number>/sign-offs/<int:pk>.<str:extension>",
        views.signed_off_document,
        name="signed-off-document",
    ),
    path("<str:year>/q<int:number>.pdf", views.quarter_pdf, name="quarter-pdf"),
    path(
        "<str:year>/q<int:quarter>/explain/<str:kind>/<int:pk>/",
        explain_views.explain,
        name="explain",
    ),
    path(
        "<str:year>/q<int:number>/return/<str:kind>/<int:pk>/",
        revision_views.return_for_revision,
        name="return-for-revision",
    ),
    path("<str:year>/explain/<str:kind>/<int:pk>/", explain_views.explain_now, name="explain-now"),
]
