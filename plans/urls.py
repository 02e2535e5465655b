"""Addresses of the plans app's pages, under /plans/<year>/. The project page, which shows a
project's risks too, is config.views.project_page: config/urls.py adds it to this namespace
(plans:project), so that plans imports no app that imports it."""

from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("<str:year>/projects/", views.project_list, name="projects"),
    path("<str:year>/milestones/", views.milestone_tracker, name="milestones"),
    path("<str:year>/projects/<int:pk>/milestones/add/", views.milestone_add, name="milestone-add"),
    path(
        "<str:year>/projects/<int:pk>/milestones/<int:milestone_pk>/update/",
        views.milestone_update,
        name="milestone-update",
    ),
    path("<str:year>/recommendations/", views.recommendation_tracker, name="recommendations"),
    path(
        "<str:year>/recommendations/<int:pk>/response/",
        views.recommendation_response,
        name="recommendation-response",
    ),
]
