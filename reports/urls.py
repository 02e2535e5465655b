"""Addresses of the quarterly Leadership Team performance report, under /reports/."""

app_name = "reports"

urlpatterns = []
