"""Monthly figures entered by hand in the entry screens, inline under their budget line."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import MonthlyFigure

pytestmark = pytest.mark.django_db


def posted_form(response):
    """What a browser posts back from an admin change form as rendered: the main form and every
    inline row (with their edit-conflict fingerprints), each field with its current value."""
    rendered = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        rendered.append(inline.formset.management_form)
        rendered.extend(inline.formset.forms)
    data = {}
    for form in rendered:
        for field in form:
            value = field.value()
            if value is True:
                data[field.html_name] = "on"
            elif value is not None and value is not False:
                data[field.html_name] = value
    return data


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
