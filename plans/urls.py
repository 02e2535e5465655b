from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("<str:year>/projects/<int:pk>/", views.project_detail, name="project"),
]
