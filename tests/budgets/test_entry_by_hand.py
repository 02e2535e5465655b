"""Monthly figures entered by hand in the entry screens, inline under their budget line."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import MonthlyFigure
from tests.budgets.conftest import APRIL
from tests.budgets.factories import MonthlyFigureFactory

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


# --- Two people entering the same month's first figures ------------------------------------------


def april_row_posted(finance_client, line, actual):
    """The line's page as opened when April had no figures, with April's actual typed in."""
    url = reverse("admin:budgets_budgetline_change", args=[line.pk])
    form = posted_form(finance_client.get(url))
    prefix = next(name[: -len("-TOTAL_FORMS")] for name in form if name.endswith("-TOTAL_FORMS"))
    form[f"{prefix}-0-month"] = "2016-04-01"
    form[f"{prefix}-0-actual"] = actual
    form[f"{prefix}-0-line"] = line.pk
    form[f"{prefix}-TOTAL_FORMS"] = 1
    return url, form


def test_a_months_first_figures_entered_by_someone_else_after_the_line_opened_are_kept(
    finance_client, budget
):
    line = budget.lines.get(category__name="Pay")
    url, form = april_row_posted(finance_client, line, "98000")
    # A colleague enters April's first figures meanwhile.
    MonthlyFigureFactory(line=line, month=APRIL, actual=Decimal("97000"))

    response = finance_client.post(url, form)

    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert "Someone else has already entered the monthly figure Pay Apr 2016" in page
    assert "It now says: Month: 1 April 2016; Actual: 97,000; Forecast: (blank);" in page
    assert MonthlyFigure.objects.get(line=line).actual == Decimal("97000")


@pytest.mark.parametrize("check_misses", [1, 2])
def test_two_first_entries_at_the_same_moment_give_one_save_and_one_message(
    finance_client, budget, monkeypatch, check_misses
):
    """Both saves checked before either wrote: the second meets the first in the database's
    unique constraint. The form is checked again and names the first (or, if even that misses
    it, a message says so above the page); never a server error, never an overwrite."""
    from core import edit_conflicts

    line = budget.lines.get(category__name="Pay")
    url, form = april_row_posted(finance_client, line, "98000")
    MonthlyFigureFactory(line=line, month=APRIL, actual=Decimal("97000"))
    check = edit_conflicts.FirstEntryFormMixin.validate_constraints
    missed = []

    def as_if_checked_before_the_other_saved(form):
        if len(missed) < check_misses:
            missed.append(form)
            return None
        return check(form)

    monkeypatch.setattr(
        edit_conflicts.FirstEntryFormMixin,
        "validate_constraints",
        as_if_checked_before_the_other_saved,
    )

    response = finance_client.post(url, form, follow=True)

    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200
    assert "Someone else has already entered the monthly figure Pay Apr 2016" in page
    assert MonthlyFigure.objects.get(line=line).actual == Decimal("97000")


def test_a_months_figures_added_on_their_own_are_not_saved_over_someone_elses(
    finance_client, budget
):
    line = budget.lines.get(category__name="Pay")
    MonthlyFigureFactory(line=line, month=APRIL, actual=Decimal("97000"))

    response = finance_client.post(
        reverse("admin:budgets_monthlyfigure_add"),
        {"line": line.pk, "month": "2016-04-01", "actual": "98000"},
    )

    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert "Someone else has already entered the monthly figure Pay Apr 2016" in page
    assert MonthlyFigure.objects.get(line=line).actual == Decimal("97000")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_people_adding_a_months_first_figures_at_once_give_one_save_and_one_message(
    budget, user_in_group, monkeypatch
):
    """Two real requests in two threads, each with its own database connection, both checked
    before either writes. PostgreSQL lets their transactions overlap, so they meet in the unique
    constraint; SQLite takes its write lock when a transaction begins, so there one waits for
    the other and its check finds the first's figures (the tests above). (Two saves of the same
    line's page do not overlap even on PostgreSQL: each locks the line while it checks it.)"""
    import threading

    from django.db import connection
    from django.test import Client

    from core import edit_conflicts

    line = budget.lines.get(category__name="Pay")
    clients = []
    for name in ("finance-a", "finance-b"):
        client = Client()
        client.force_login(user_in_group("Corporate services", username=name))
        clients.append(client)
    url = reverse("admin:budgets_monthlyfigure_add")
    both_checked = threading.Barrier(2, timeout=20)
    insert = edit_conflicts.insert_or_conflict
    waited = threading.local()

    def insert_once_both_have_checked(*args, **kwargs):
        if not getattr(waited, "once", False):
            waited.once = True
            both_checked.wait()
        return insert(*args, **kwargs)

    monkeypatch.setattr(edit_conflicts, "insert_or_conflict", insert_once_both_have_checked)
    responses = [None, None]

    def save(n, actual):
        try:
            responses[n] = clients[n].post(
                url, {"line": line.pk, "month": "2016-04-01", "actual": actual}
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(n, actual))
        for n, actual in enumerate(("98000", "97000"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    saved = MonthlyFigure.objects.get(line=line)
    page = refused.content.decode()
    assert "Someone else has already entered the monthly figure Pay Apr 2016" in page
    assert f"Actual: {saved.actual:,.0f}" in page


def test_a_roll_forward_that_meets_a_next_year_made_at_the_same_moment_says_so(
    finance_client, budget, monkeypatch
):
    """Someone else made 2017-18 after this roll forward looked for it (the look is made to
    miss it): the page says so, instead of a server error, and no second budget is made."""
    from budgets.models import Budget
    from plans.models import PlanYear
    from tests.plans.factories import PlanYearFactory

    PlanYearFactory(year="2017-18")
    look = PlanYear.objects.select_for_update
    monkeypatch.setattr(
        PlanYear.objects, "select_for_update", lambda *args, **kwargs: look().none()
    )

    response = finance_client.post(reverse("budgets:roll-forward", args=["2016-17"]), follow=True)

    assert response.status_code == 200
    assert (
        "The budget was not rolled forward: Someone else created the 2017-18 plan year at the "
        "same moment." in response.content.decode()
    )
    assert not Budget.objects.filter(plan_year__year="2017-18").exists()
