"""Addresses of the risk register, under /plans/<year>/risks/."""

from django.urls import path

from risks import views

app_name = "risks"

urlpatterns = [
    path("<str:year>/risks/", views.risk_register, name="register"),
    path("<str:year>/risks/heat-map/", views.risk_heat_map, name="heat-map"),
    path("<str:year>/risks/strategic/", views.risk_strategic_view, name="strategic"),
    path("<str:year>/risks/<int:pk>/", views.risk_detail, name="risk"),
    path("<str:year>/risks/<int:pk>/review/", views.risk_review, name="review"),
]
