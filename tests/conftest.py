import pytest
from django.contrib.auth.models import Group

from tests.plans.factories import UserFactory


@pytest.fixture
def user_in_group(db):
    """A signed-in-able user in one of the groups the data migration creates."""

    def make(group_name, **kwargs):
        user = UserFactory(is_staff=True, **kwargs)
        user.groups.add(Group.objects.get(name=group_name))
        return user

    return make


@pytest.fixture
def signed_in_client(client, user_in_group):
    """A client signed in as a member of the Staff group."""
    client.force_login(user_in_group("Staff"))
    return client
