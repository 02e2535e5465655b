"""The quarterly report page is built once and kept until a record it reads changes, on any
route: a page or the admin saving a record, an import, a bulk update, a deletion, a link between
records."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from simple_history.utils import bulk_update_with_history

from kpis.models import Measurement
from plans.models import Milestone
from reports import caching
from tests.reports.conftest import add_plan
from tests.test_admin import change_url, posted_form
from tests.test_import_export import MILESTONE_HEADERS, problems, upload
from tests.test_import_export import confirm as confirm_import

URL = "/reports/2010-11/q2/"
OLD, NEW = "Schools signed up", "Schools all signed up"


@pytest.fixture
def director(client, user_in_group):
    client.force_login(user_in_group("Directors"))
    return client


def page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def queries_of(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client)
    return len(queries)


def test_a_report_read_again_is_answered_from_what_was_kept_however_large_the_plan(director, plan):
    built = queries_of(director)
    kept = queries_of(director)
    # Signed in, the plan year, its sign-offs, the records' fingerprint and the page's own.
    assert kept < built - 20
    add_plan(plan.plan_year, plan.earlier_year, copies=3, suffix="b")
    assert "K3b2" in page(director)
    assert queries_of(director) == kept


def rename_by_saving(plan, client, user_in_group):
    """What the milestone page and every service do: save the record (with its history)."""
    milestone = plan.milestones[OLD]
    milestone.title = NEW
    milestone.save()


def rename_in_the_admin(plan, client, user_in_group):
    client.force_login(user_in_group("Administrators"))
    milestone = plan.milestones[OLD]
    data = posted_form(client.get(change_url(milestone)))
    data["title"] = NEW
    response = client.post(change_url(milestone), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def rename_by_import(plan, client, user_in_group):
    client.force_login(user_in_group("Administrators"))
    milestone = plan.milestones[OLD]
    rows = [
        MILESTONE_HEADERS,
        [milestone.pk, "2010-11", "Takeover Day", NEW, "2010-09-01", "on track", "",
         "Schools slow to reply", "0"],
    ]  # fmt: skip
    preview = upload(client, Milestone, rows)
    assert problems(preview) == []
    confirm_import(client, Milestone, preview)


def rename_in_bulk(plan, client, user_in_group):
    """As the budget import writes its monthly figures: in bulk, with their history."""
    milestone = plan.milestones[OLD]
    milestone.title = NEW
    bulk_update_with_history([milestone], Milestone, ["title"])


@pytest.mark.parametrize(
    "rename", [rename_by_saving, rename_in_the_admin, rename_by_import, rename_in_bulk]
)
def test_a_change_on_any_route_shows_at_once(client, user_in_group, plan, rename):
    client.force_login(user_in_group("Directors"))
    assert OLD in page(client)
    rename(plan, client, user_in_group)
    client.force_login(user_in_group("Directors"))
    shown = page(client)
    assert NEW in shown
    assert OLD not in shown


def test_a_deleted_milestone_is_no_longer_listed(director, plan):
    assert OLD in page(director)
    Milestone.objects.filter(pk=plan.milestones[OLD].pk).delete()
    assert OLD not in page(director)


def test_a_project_moved_to_another_objective_lists_its_milestones_under_it(director, plan):
    """A project's strategic objectives are links without history of their own."""
    before = page(director)
    assert before.index("SO1: Safeguard children") < before.index(OLD)
    plan.project.strategic_objectives.set([plan.so2])
    after = page(director)
    due = after[after.index('id="milestones-due"') :]
    assert due.index("SO2: Hear children") < due.index(OLD)
    assert "SO1: Safeguard children</caption>" not in due[: due.index(OLD)]


def test_the_fingerprint_moves_with_any_record_and_only_then(plan):
    first = caching.fingerprint()
    assert caching.fingerprint() == first
    plan.k2.title = "Children heard"
    plan.k2.save()
    assert caching.fingerprint() != first


def test_a_signed_off_report_read_again_is_kept_and_a_change_since_shows_as_drift_at_once(
    director, plan
):
    director.post(f"{URL}sign-off/")
    built = queries_of(director)
    kept = queries_of(director)
    assert kept < built
    assert "The records have changed" not in page(director)

    september = Measurement.objects.get(indicator=plan.k2, period=datetime.date(2010, 9, 1))
    september.value = Decimal("30")
    september.save()  # past the lock, as a repair in the database would be

    changed = page(director)
    assert "The records have changed since this report was signed off" in changed
    # The report itself is still as signed off: K2's 540 to date, not 490.
    assert ">540<" in changed


def workbook_text(client) -> str:
    """Every cell of the quarter's report workbook, as one text."""
    response = client.get("/reports/2010-11/q2.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_the_report_workbook_is_kept_and_a_change_is_in_the_next_one_sent(director, plan):
    with CaptureQueriesContext(connection) as built:
        assert OLD in workbook_text(director)
    with CaptureQueriesContext(connection) as kept:
        assert OLD in workbook_text(director)
    # Signed in, the plan year, its standing sign-off, the fingerprint: the report is not
    # built again.
    assert len(kept) < len(built) - 20
    rename_by_saving(plan, director, None)
    sent = workbook_text(director)
    assert NEW in sent
    assert OLD not in sent
