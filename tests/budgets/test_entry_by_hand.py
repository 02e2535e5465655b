"""Monthly figures entered by hand in the entry screens, inline under their budget line."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import MonthlyFigure
from tests.test_admin import posted_form

pytestmark = pytest.mark.django_db


def test_corporate_services_enter_a_months_figures_and_profile_under_the_line(
    finance_client, budget
):
    line = budget.lines.get(category__name="Pay")
    url = reverse("admin:budgets_budgetline_change", args=[line.pk])
    form = posted_form(finance_client.get(url))
    prefix = next(name[: -len("-TOTAL_FORMS")] for name in form if name.endswith("-TOTAL_FORMS"))
    form[f"{prefix}-0-month"] = "2016-04-01"
    form[f"{prefix}-0-actual"] = "98000"
    form[f"{prefix}-0-forecast"] = "100000"
    form[f"{prefix}-0-profile"] = "150000"
    form[f"{prefix}-0-line"] = line.pk
    form[f"{prefix}-TOTAL_FORMS"] = 1

    response = finance_client.post(url, form)

    assert response.status_code == 302, response.context["errors"]
    figure = MonthlyFigure.objects.get(line=line)
    assert (figure.actual, figure.forecast, figure.profile) == (
        Decimal("98000"),
        Decimal("100000"),
        Decimal("150000"),
    )
    assert figure.history.get().history_user == finance_client.user
