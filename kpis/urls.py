from django.urls import path

from kpis import views

app_name = "kpis"

urlpatterns = [
    path("<str:year>/indicators/<str:ref>/", views.indicator_detail, name="indicator"),
]
