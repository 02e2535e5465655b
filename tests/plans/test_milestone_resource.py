"""The milestone spreadsheets carry the revised due date and its reason beside the original."""

import datetime

import pytest
import tablib

from plans.resources import MilestoneResource
from tests.plans.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_an_export_gives_the_revised_due_date_and_its_reason_beside_the_original():
    MilestoneFactory(
        title="Report published",
        due_on=datetime.date(2010, 9, 30),
        revised_due_on=datetime.date(2010, 12, 16),
        revision_reason="Printer delayed",
    )
    resource = MilestoneResource()
    exported = resource.export()
    columns = resource.columns_by_header()  # headers are in words ("Revised due date")
    row = {columns[header.lower()]: value for header, value in exported.dict[0].items()}
    assert (row["due_on"], row["revised_due_on"], row["revision_reason"]) == (
        "2010-09-30",
        "2010-12-16",
        "Printer delayed",
    )


def test_an_import_refuses_a_revised_due_date_without_its_reason():
    milestone = MilestoneFactory()
    sheet = tablib.Dataset(
        [
            milestone.pk,
            "2010-11",
            milestone.project.title,
            milestone.title,
            "2010-09-30",
            "2010-12-16",
            "",
            "on track",
            "",
            "",
            "0",
        ],
        headers=[
            "id",
            "plan_year",
            "project",
            "title",
            "due_on",
            "revised_due_on",
            "revision_reason",
            "status",
            "completed_on",
            "commentary",
            "is_illustrative",
        ],
    )
    result = MilestoneResource().import_data(sheet, dry_run=True)
    assert result.has_validation_errors()
    assert result.invalid_rows[0].error_dict == {
        "revision_reason": ["Enter the reason for the revised due date."]
    }
