"""Addresses of the quarterly Leadership Team performance report, under /reports/."""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("<str:year>/q<int:number>/", views.quarter, name="quarter"),
]
