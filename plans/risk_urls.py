"""Addresses of the risk register and the recommendations tracker, under /plans/<year>/."""

from django.urls import path

from plans import risk_views

app_name = "risks"

urlpatterns = [
    path("<str:year>/risks/", risk_views.risk_register, name="register"),
    path("<str:year>/risks/heat-map/", risk_views.risk_heat_map, name="heat-map"),
    path("<str:year>/risks/strategic/", risk_views.risk_strategic_view, name="strategic"),
    path("<str:year>/risks/<int:pk>/", risk_views.risk_detail, name="risk"),
    path("<str:year>/risks/<int:pk>/review/", risk_views.risk_review, name="review"),
    path(
        "<str:year>/recommendations/",
        risk_views.recommendation_tracker,
        name="recommendations",
    ),
    path(
        "<str:year>/recommendations/<int:pk>/response/",
        risk_views.recommendation_response,
        name="response",
    ),
]
