from django.urls import path

from budgets import views

app_name = "budgets"

urlpatterns = [
    path("<str:year>/budget/", views.variance, name="variance"),
    path("<str:year>/budget/workbook.xlsx", views.workbook, name="workbook"),
    path("<str:year>/budget/lines.csv", views.lines_csv, name="lines-csv"),
    path("<str:year>/budget/import/", views.import_upload, name="import"),
    path("<str:year>/budget/import/confirm/", views.import_confirm, name="import-confirm"),
    path("<str:year>/budget/import/template.csv", views.import_template, name="import-template"),
    path(
        "<str:year>/budget/import/template.xlsx",
        views.import_template_xlsx,
        name="import-template-xlsx",
    ),
    path("<str:year>/budget/roll-forward/", views.roll_forward, name="roll-forward"),
]
