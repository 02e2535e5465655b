"""The uploaded sheet kept between an import's preview and its confirmation: one claim, used by
the entry screens' imports and the budget import alike."""

import datetime

import pytest
from django.utils import timezone

from core.models import ImportPreview
from core.services import (
    EXPIRED_PREVIEW,
    NO_PREVIEW,
    PreviewUnavailable,
    import_preview_claim,
    import_preview_keep,
)
from tests.plans.factories import UserFactory

pytestmark = pytest.mark.django_db


def keep(user, model="plans.milestone"):
    return import_preview_keep(
        user=user, model=model, file_name="sheet.csv", file_format="csv", data=b"id\n"
    )


def test_a_kept_preview_is_claimed_once():
    user = UserFactory()
    preview = keep(user)

    claimed = import_preview_claim(key=preview.key, user=user, model="plans.milestone")

    assert claimed.pk == preview.pk
    assert bytes(claimed.data) == b"id\n"
    assert not ImportPreview.objects.exists()
    with pytest.raises(PreviewUnavailable, match=NO_PREVIEW):
        import_preview_claim(key=preview.key, user=user, model="plans.milestone")


@pytest.mark.parametrize("who", ["someone else", "another model", "no key"])
def test_a_preview_is_found_only_by_its_key_with_its_user_and_model(who):
    user = UserFactory()
    preview = keep(user)
    asked = {"key": preview.key, "user": user, "model": "plans.milestone"}
    if who == "someone else":
        asked["user"] = UserFactory()
    elif who == "another model":
        asked["model"] = "budgets.monthlyfigure:2010-11"
    else:
        asked["key"] = None

    with pytest.raises(PreviewUnavailable, match=NO_PREVIEW):
        import_preview_claim(**asked)

    assert ImportPreview.objects.filter(pk=preview.pk).exists()


def test_an_expired_preview_is_refused_and_gone(settings):
    user = UserFactory()
    preview = keep(user)
    age = datetime.timedelta(hours=settings.IMPORT_PREVIEW_MAX_AGE_HOURS, minutes=1)
    ImportPreview.objects.filter(pk=preview.pk).update(created_at=timezone.now() - age)

    with pytest.raises(PreviewUnavailable, match=EXPIRED_PREVIEW):
        import_preview_claim(key=preview.key, user=user, model="plans.milestone")

    assert not ImportPreview.objects.exists()


def test_keeping_a_preview_discards_expired_ones(settings):
    user = UserFactory()
    old = keep(user)
    age = datetime.timedelta(hours=settings.IMPORT_PREVIEW_MAX_AGE_HOURS, minutes=1)
    ImportPreview.objects.filter(pk=old.pk).update(created_at=timezone.now() - age)

    new = keep(user)

    assert list(ImportPreview.objects.values_list("pk", flat=True)) == [new.pk]
