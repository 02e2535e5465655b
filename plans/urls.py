from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("<str:year>/projects/<int:pk>/", views.project_detail, name="project"),
    path("<str:year>/projects/<int:pk>/milestones/add/", views.milestone_add, name="milestone-add"),
    path(
        "<str:year>/projects/<int:pk>/milestones/<int:milestone_pk>/update/",
        views.milestone_update,
        name="milestone-update",
    ),
]
