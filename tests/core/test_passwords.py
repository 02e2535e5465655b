"""A password that is only the username repeated is refused."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from core.passwords import RepeatedUsernameValidator, is_repeated_username


@pytest.mark.parametrize(
    ("password", "username", "repeated"),
    [
        ("staffstaff", "staff", True),
        ("StaffStaff", "staff", True),
        ("STAFFstaffStaff", "Staff", True),
        ("staff", "staff", False),
        ("staffstaff1", "staff", False),
        ("staffstaf", "staff", False),
        ("financefinance", "staff", False),
        ("anything", "", False),
    ],
)
def test_it_recognises_a_username_written_twice_or_more(password, username, repeated):
    assert is_repeated_username(password, username) is repeated


def test_the_validator_refuses_the_username_repeated_with_a_message_a_person_understands():
    user = get_user_model()(username="staff")
    with pytest.raises(ValidationError) as refused:
        RepeatedUsernameValidator().validate("StaffStaff", user)
    assert refused.value.messages == ["Your password cannot be your username repeated."]


def test_the_validator_lets_a_password_through_when_no_user_is_known():
    RepeatedUsernameValidator().validate("staffstaff", None)


def test_the_configured_validators_refuse_staffstaff_for_the_user_staff():
    user = get_user_model()(username="staff")
    with pytest.raises(ValidationError) as refused:
        validate_password("staffstaff", user)
    assert "Your password cannot be your username repeated." in refused.value.messages


def test_the_configured_validators_accept_a_good_password_for_the_user_staff():
    validate_password("quarterly milestones on track", get_user_model()(username="staff"))
