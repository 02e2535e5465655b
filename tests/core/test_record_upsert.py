"""record_upsert, the demo loader's write: the database checks uniqueness and the constraints in
the save, and a refusal still reads as full_clean() would have put it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from core.services import ChangeCount, record_upsert
from plans.models import PlanYear, Role, Strategy

pytestmark = pytest.mark.django_db


def test_a_record_taking_a_unique_value_already_held_is_refused_with_the_constraints_message():
    record_upsert(Role, lookup={"title": "Director of Policy"}, values={"abbreviation": "DoP"})

    with pytest.raises(ValidationError) as refused, transaction.atomic():
        record_upsert(Role, lookup={"title": "Deputy of Policy"}, values={"abbreviation": "DoP"})

    assert refused.value.messages == ["Another role already uses this abbreviation."]
    assert list(Role.objects.values_list("title", flat=True)) == ["Director of Policy"]


def test_a_value_breaking_a_check_constraint_is_refused_with_its_message_and_nothing_is_written():
    changes = ChangeCount()

    with pytest.raises(ValidationError) as refused:
        record_upsert(
            Strategy,
            lookup={"title": "Ambitious for Children"},
            values={"start_year": "2027-28", "end_year": "2024-25"},
            changes=changes,
        )

    assert refused.value.messages == ["A strategy cannot end before it starts."]
    assert not Strategy.objects.exists()
    assert changes.changed == 0


def test_a_field_error_is_refused_before_the_save():
    with pytest.raises(ValidationError) as refused:
        record_upsert(PlanYear, lookup={"year": "2030-31"}, values={"title": ""})

    assert "title" in refused.value.message_dict
