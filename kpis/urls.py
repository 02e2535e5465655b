from django.urls import path

from kpis import views

app_name = "kpis"

urlpatterns = [
    path("<str:year>/indicators/", views.dashboard, name="dashboard"),
    path("<str:year>/indicators.<str:extension>", views.dashboard_export, name="dashboard-export"),
    path("<str:year>/indicators/<str:ref>/", views.indicator_detail, name="indicator"),
    path("<str:year>/indicators/<str:ref>/actuals/", views.actual_entry, name="actual-entry"),
]
